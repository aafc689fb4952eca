package org.parley.api.auth;

import org.jxmpp.jid.EntityBareJid;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when an account of the served domain was deleted, once the deletion is durable, so that a
 * bundle deletes what it keeps for it: the session core ends its sessions, the roster cancels its
 * subscriptions and forgets its roster, offline storage its messages. Told too when an account was
 * disabled, so that the session core ends its sessions; what is stored for it stays. Register it as a service;
 * the user manager calls every registered listener.
 *
 * <p>Called on the thread that deleted the account (an operator's command, the admin console),
 * never on a session thread: it may do a short blocking database delete, but must not wait on
 * other users or the network. An exception is logged and stops nothing else.
 *
 * @since 2.1
 */
@ConsumerType
public interface AccountListener {
    void deleted(EntityBareJid account);

    /**
     * The account was disabled (it may not sign in until it is enabled); its data stays.
     *
     * @since 2.2
     */
    default void disabled(EntityBareJid account) {
    }
}
