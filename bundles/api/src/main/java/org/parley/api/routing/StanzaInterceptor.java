package org.parley.api.routing;

import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Sees stanzas as they are routed, and may let them pass (possibly rewritten), take them, or
 * refuse them with an error. Registered as a service; the routing bundle binds interceptors
 * dynamically and runs them in order of {@code service.ranking}, highest first.
 *
 * <p>Service properties:
 * <ul>
 * <li>{@link #KINDS}: which stanzas, any of {@code message}, {@code presence}, {@code iq}
 * (default: all three);</li>
 * <li>{@link #DIRECTION}: {@code outbound} (sent by a local user: the interceptor acts for the
 * sender), {@code inbound} (addressed to a local user: it acts for the recipient), or both
 * (default). A message from one local user to another is seen twice, once in each direction,
 * with the sender's and then the recipient's account;</li>
 * <li>{@link #POLICY}: {@code true} for an interceptor that enforces a rule (blocking, privacy,
 * content rules). A policy interceptor fails closed: when it throws, its stage fails, or it is
 * momentarily absent (its bundle is being upgraded) past the grace period, the stanza is refused
 * with an error, never passed on unchecked.</li>
 * </ul>
 *
 * <p>The stage may complete later and on another thread (look things up through
 * {@link org.parley.api.server.WorkerPool}); routing keeps each sender's stanzas in order
 * meanwhile. {@link #intercept} itself must not block. While an interceptor is being replaced
 * (same {@code component.name} leaving and arriving), the stanzas it would see are held for the
 * grace period and then given to its successor.
 */
public interface StanzaInterceptor {
    /** Service property: the stanza kinds seen, a string or array of {@code message}, {@code presence}, {@code iq}. */
    String KINDS = "parley.interceptor.kinds";
    /** Service property: {@code outbound}, {@code inbound}, or both (an array, or absent). */
    String DIRECTION = "parley.interceptor.direction";
    /** Service property: {@code true} for a policy interceptor, which fails closed. */
    String POLICY = "parley.interceptor.policy";

    /** Which side of a delivery the interceptor acts for. */
    enum Direction {
        /** Sent by a local user ({@link Interception#account()} is the sender's account). */
        OUTBOUND,
        /** Addressed to a local user ({@link Interception#account()} is the recipient's account). */
        INBOUND
    }

    /**
     * Where a stanza is in its routing.
     *
     * @param direction which side this call acts for
     * @param account the local account acted for: the sender's (outbound) or the recipient's (inbound)
     * @param origin the sender's session when a local client sent the stanza, else null (the server,
     *     a component, another domain). Do not keep it past the call.
     */
    record Interception(Direction direction, EntityBareJid account, Session origin) {
    }

    /**
     * Decides on one stanza.
     *
     * @param stanza the stanza, its {@code from} stamped by the server
     * @return the decision; completing exceptionally counts as a failure of the interceptor (the
     *     sender gets internal-server-error; a policy interceptor's stanza is refused)
     */
    CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception);
}
