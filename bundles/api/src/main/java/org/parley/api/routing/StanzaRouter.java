package org.parley.api.routing;

import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.annotation.versioning.ProviderType;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Routes stanzas with the rules of RFC 6120 section 10 and RFC 6121 section 8: to a session, an
 * account's resources, a component, an iq handler, or another domain. Provided by the routing
 * bundle, which holds no per-user state and can be upgraded live: while it is replaced, callers
 * of the session core wait for its successor (the grace period), and other bundles should
 * reference it dynamically.
 */
@ProviderType
public interface StanzaRouter {
    /**
     * Routes a stanza the server originates (a handler's answer, a notification, a component's
     * stanza). Its {@code from} must be set. Never blocks.
     */
    void route(Stanza stanza);

    /**
     * Routes a stanza a local client sent on its session, {@code from} already stamped with the
     * session's full JID; outbound interceptors run for the sender. Called by the session core, in
     * the order the client sent its stanzas, one at a time per session.
     *
     * @return a stage that completes when the server has taken responsibility for the stanza:
     *     queued for its recipients, handed to a component, handler or remote domain, stored, or
     *     answered with an error. Stream management counts the stanza as handled then.
     * @since 2.0
     */
    CompletionStage<Void> routeFrom(Session origin, Stanza stanza);

    /**
     * Offers a message that reached a session of {@code account} but was never acknowledged by the
     * client before the session ended (XEP-0198) to the {@link UndeliverableMessageHandler}s, and
     * answers it as RFC 6121 section 8 says when none takes it. Not delivered to the account's
     * other resources, which may have had their own copy.
     *
     * @return a stage that completes when the message is stored or answered
     * @since 2.0
     */
    CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account);
}
