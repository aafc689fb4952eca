package org.parley.roster.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.DeliveryFilter;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Privacy lists per receiving session (XEP-0016 section 2.2): a stanza to the bare JID reaches
 * several sessions, and each may have its own active list. The interceptor refused what every one
 * of them denies; this withholds it from the ones whose list denies it when others allow it.
 * A policy: if it throws, the session does not get the stanza.
 *
 * <p>Also the roster's one look at each delivery: a session signing in gets a contact's presence
 * once, not from both the contact's broadcast and the answer to its probe ({@link PresenceLedger}).
 */
@Component(property = {StanzaInterceptor.POLICY + ":Boolean=true"})
public final class PrivacyFilter implements DeliveryFilter {
    private final RosterService rosters;

    @Activate
    public PrivacyFilter(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public Stanza filter(Stanza stanza, Session recipient) {
        Stanza allowed = rosters.privacy().enforcement().filter(stanza, recipient);
        return allowed == null ? null : rosters.ledger().admit(allowed, recipient);
    }
}
