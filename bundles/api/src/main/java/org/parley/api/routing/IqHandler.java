package org.parley.api.routing;

import java.util.concurrent.CompletionStage;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Answers iq requests the server handles itself: those addressed to the server's domain, to no
 * one (the sender's account), or to an account's bare JID. Registered as an OSGi service with the
 * service property {@link #NAMESPACE} naming the payload namespace(s) it handles; routing binds
 * handlers dynamically, and holds requests for a short grace period while a handler is replaced.
 * A request to the bare JID of an account that does not exist is answered service-unavailable
 * by routing (RFC 6121 section 8.5.1) and never reaches a handler.
 *
 * <p>{@link #handle} runs on the sender's session thread (never an I/O thread) and must not
 * block: do blocking work on {@link org.parley.api.server.WorkerPool} and complete the stage
 * later. The sender's next stanzas wait until the stage completes, so a slow answer delays only
 * that sender. A handler that throws or fails its stage is logged with its bundle, and the
 * sender gets internal-server-error.
 */
public interface IqHandler {
    /** Service property: the payload namespace, or an array of them. */
    String NAMESPACE = "parley.iq.namespace";

    /**
     * Service property: whom the handler answers for, {@link #TO_SERVER} (requests addressed to
     * the server's domain) or {@link #TO_ACCOUNT} (to no one, that is the sender's own account, or
     * to an account's bare JID); absent, both. Two handlers of one namespace can then split it:
     * XEP-0012 asked of the server is its uptime, asked of an account the time since its user
     * was last seen. For each namespace and target the highest-ranked handler answers.
     *
     * @since 2.1
     */
    String TO = "parley.iq.to";
    /** @since 2.1 */
    String TO_SERVER = "server";
    /** @since 2.1 */
    String TO_ACCOUNT = "account";

    /**
     * Answers one request of type get or set.
     *
     * @param iq the request, with {@code from} set to the sender's full JID
     * @param origin the sender's session, or null when the server itself or a component sent the
     *     request; do not keep it past the call
     * @return a stage completing with the result or error reply (see {@link Stanza#resultReply} and
     *     {@link Stanza#errorReply}); completing exceptionally answers internal-server-error
     */
    CompletionStage<Stanza> handle(Stanza iq, Session origin);
}
