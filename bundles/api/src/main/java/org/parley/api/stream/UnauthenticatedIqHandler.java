package org.parley.api.stream;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;
import org.parley.api.stanza.Element;

/**
 * Answers an iq a client sends before it has authenticated: in-band registration (XEP-0077) asks
 * for its form and creates the account on a stream that has no user yet. Registered as a service
 * with the service property {@link #NAMESPACE} naming the payload namespace(s) it answers.
 *
 * <p>The session core gives a handler each iq of type {@code get} or {@code set} sent before SASL
 * success whose payload (its one child element) is in a claimed namespace, and only on a stream
 * where stanzas may flow at all before authentication: inside TLS, or without it when the session
 * configuration does not require TLS. Every other element before authentication is refused as
 * without handlers (the stream ends with {@code not-authorized}, or {@code policy-violation}
 * before TLS when TLS is required). Register one handler per namespace. While
 * a handler's bundle is replaced, its iqs wait for the successor for the grace period, and with
 * none they are answered {@code service-unavailable} by the core.
 *
 * <p>The handler answers by {@link StreamContext#send sending} an iq of type {@code result} or
 * {@code error} with the request's id, and no {@code to} (the stream has no address yet). When the
 * request was addressed to the server's domain, the answer must say {@code from} that domain:
 * clients match an answer to their request by its sender, and Smack drops an answer without
 * {@code from} to a request it sent to the domain. The stream's {@link StreamContext#username() username} is null. Calls run on the
 * stream's own thread, in order with the stream's other elements, never on an I/O thread; they
 * must not block: do blocking work elsewhere and complete the stage then.
 *
 * @since 1.1
 */
@ConsumerType
public interface UnauthenticatedIqHandler {
    /** Service property: the payload namespace, or an array of them. */
    String NAMESPACE = "parley.stream.iq.namespace";

    /**
     * Answers one iq request. (Not named {@code handle}: one component may be both this and the
     * {@link StreamFeature} that announces it, whose {@code handle} takes the same arguments.)
     *
     * @param iq the request as the client sent it, in the {@code jabber:client} namespace
     * @param stream the stream it came on; do not keep it past the stage
     * @return a stage that completes when the iq is answered; the stream's next elements wait for
     *     it. Completing exceptionally is logged and answered {@code internal-server-error}.
     */
    CompletionStage<Void> handleIq(Element iq, StreamContext stream);
}
