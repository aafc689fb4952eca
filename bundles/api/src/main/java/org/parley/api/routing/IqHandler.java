package org.parley.api.routing;

import java.util.concurrent.CompletionStage;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Answers iq requests the server handles itself: those addressed to the server's domain, to no
 * one (the sender's account), or to an account's bare JID. Registered as an OSGi service with the
 * service property {@link #NAMESPACE} naming the payload namespace(s) it handles; the router binds
 * handlers dynamically, and holds requests for a short grace period while a handler is replaced.
 *
 * <p>{@link #handle} runs on a router thread and must not block: do blocking work on your own
 * executor and complete the stage later.
 */
public interface IqHandler {
    /** Service property: the payload namespace, or an array of them. */
    String NAMESPACE = "parley.iq.namespace";

    /**
     * Answers one request of type get or set.
     *
     * @param iq the request, with {@code from} set to the sender's full JID
     * @param origin the sender's session, or null when the server itself sent the request
     * @return a stage completing with the result or error reply (see {@link Stanza#resultReply} and
     *     {@link Stanza#errorReply}); completing exceptionally answers internal-server-error
     */
    CompletionStage<Stanza> handle(Stanza iq, Session origin);
}
