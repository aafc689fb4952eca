package org.parley.session.internal;

import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.AccountListener;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deleted account's sessions end at once, with {@code not-authorized}: it may not go on
 * sending as someone who no longer exists. A disabled account's end with {@code policy-violation}
 * (RFC 6120 section 4.9.3.14: the operator's policy, not the client's fault), and its next sign-in
 * is refused by the auth bundle. Detached sessions end too, so nothing is resumed.
 */
@Component
public final class DeletedAccounts implements AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(DeletedAccounts.class);
    private final SessionRegistry sessions;

    @Activate
    public DeletedAccounts(@Reference SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public void deleted(EntityBareJid account) {
        for (Session s : sessions.sessions(account)) {
            LOG.info("Ending {}: its account was deleted", s.jid());
            s.close(StreamErrorCondition.NOT_AUTHORIZED, "your account was deleted");
        }
    }

    @Override
    public void disabled(EntityBareJid account) {
        for (Session s : sessions.sessions(account)) {
            LOG.info("Ending {}: its account was disabled", s.jid());
            s.close(StreamErrorCondition.POLICY_VIOLATION, "your account was disabled");
        }
    }
}
