package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Stanza;

/**
 * Enforces privacy lists (XEP-0016) and block lists (XEP-0191, the default list's blocks) on every
 * stanza, both ways: what a user sends to an entity the list that applies to the sending session
 * denies is refused; what a denied entity sends the user is dropped or refused as if the user were
 * not there; and what the server sends on a user's behalf (presence broadcast, probe answers) does
 * not reach an entity that user's list hides it from. Ranked before the roster's presence handling,
 * so a denied contact's probe or subscription request never reaches it. A policy: while the roster
 * bundle is replaced, stanzas wait for its successor rather than pass unchecked.
 */
@Component(property = {StanzaInterceptor.KINDS + "=message", StanzaInterceptor.KINDS + "=presence", StanzaInterceptor.KINDS + "=iq",
        StanzaInterceptor.POLICY + ":Boolean=true", "service.ranking:Integer=100"})
public final class BlockingInterceptor implements StanzaInterceptor {
    private final RosterService rosters;

    @Activate
    public BlockingInterceptor(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
        Blocking blocking = rosters.blocking();
        PrivacyEnforcement privacy = rosters.privacy().enforcement();
        if (interception.direction() == Direction.OUTBOUND) {
            Jid to = stanza.to();
            if (to == null || blocking.isServer(to) || to.asBareJid().equals(interception.account())) {
                return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
            }
            return privacy.outbound(stanza, interception.origin(), interception.account());
        }
        Jid from = stanza.from();
        if (from == null || blocking.isServer(from) || from.asBareJid().equals(interception.account())) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }
        return privacy.inbound(stanza, interception.account());
    }
}
