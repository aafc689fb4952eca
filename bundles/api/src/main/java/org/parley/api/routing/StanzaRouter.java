package org.parley.api.routing;

import java.util.concurrent.CompletableFuture;
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
     * stanza). Its {@code from} must be set. Never blocks. Messages and presence from one address
     * to another are delivered in the order they were routed, also when an interceptor decides on
     * one later than on the next (the next waits).
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

    /**
     * Asks the policy interceptors ({@link StanzaInterceptor#POLICY}: block lists, privacy rules)
     * whether a stanza accepted for an account earlier may reach it now, as if it arrived now
     * (inbound, for the account): for what a bundle kept and delivers later (offline messages),
     * so that a block placed meanwhile applies. Runs no other interceptor, and sends nothing: the
     * sender was answered when the stanza was accepted.
     *
     * @return true when every policy interceptor lets it through, false when one refused or
     *     consumed it; completes exceptionally when a policy could not decide (its bundle away
     *     past the grace period, a failure), and the caller keeps the stanza for later. The
     *     default, for a router without policies, completes exceptionally.
     * @since 2.2
     */
    default CompletionStage<Boolean> admits(Stanza stanza, EntityBareJid account) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName() + " runs no policies"));
    }

    /**
     * Runs a session's {@link DeliveryFilter}s on a stanza that a bundle is about to deliver to it
     * itself (with {@link Session#deliverWithReceipt}), as routing does before each delivery:
     * client state indication sees it, a privacy filter may withhold it.
     *
     * @return the stanza to deliver (the same one or a rewritten copy), or null when a filter
     *     withheld it or took it to deliver later itself. The default runs no filter.
     * @since 2.2
     */
    default Stanza filter(Stanza stanza, Session recipient) {
        return stanza;
    }

    /**
     * How many times since this router started a stanza waited for a service being replaced (an
     * iq handler, an interceptor, a component, the session directory, the undeliverable-message
     * hook) instead of being refused: what live upgrades held. A stanza that waited at two such
     * places counts twice. Cheap to read, never blocks; starts at zero with each router.
     *
     * @since 2.2
     */
    default long stanzasHeld() {
        return 0;
    }
}
