package org.parley.api.session;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.osgi.annotation.versioning.ProviderType;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * A bound client session. Implementations are thread-safe: any thread may deliver to a session,
 * and deliveries from one thread reach the client in the order they were made.
 *
 * <p>Look sessions up through {@link SessionRegistry} when you need them; do not keep a
 * reference past the call that gave it to you. The session core is upgraded live, and a session
 * object of its previous version no longer reaches the client (deliveries to it are routed again
 * by address, which costs and may reorder).
 */
@ProviderType
public interface Session {
    /** A server-unique id, stable for the life of the session (also across its resumptions). */
    String id();

    /** The bound full JID. */
    EntityFullJid jid();

    default EntityBareJid bareJid() {
        return jid().asEntityBareJid();
    }

    /** True once the client has sent initial presence and until it sends unavailable presence. */
    boolean isAvailable();

    /** The priority of the last available presence (RFC 6121 section 4.7.2.3), 0 before any. */
    int priority();

    /**
     * The last available presence the client broadcast (RFC 6121 section 4.2), with its
     * {@code from} stamped; null before initial presence and after unavailable presence.
     *
     * @since 1.1
     */
    Stanza presence();

    /**
     * The entities this session sent directed available presence to (RFC 6121 section 4.6) and not
     * yet unavailable presence; the core sends them unavailable presence when the session becomes
     * unavailable or ends. A snapshot.
     *
     * @since 1.1
     */
    Set<Jid> directedPresence();

    /**
     * True while the session's connection is lost and it waits to be resumed (XEP-0198): it stays
     * bound and available, and what is delivered to it waits in its queue.
     *
     * @since 1.1
     */
    boolean isDetached();

    /** When the resource was bound. @since 1.1 */
    Instant boundAt();

    /** Queues a stanza for the client. Never blocks. */
    void deliver(Stanza stanza);

    /**
     * Queues a stanza for the client, as {@link #deliver}, and tells when the client surely has it:
     * for what must not be lost (stored offline messages), whose sender may forget it only then.
     *
     * <p>The stage completes {@code true} once the client acknowledged the stanza with stream
     * management (XEP-0198), or, without stream management, once the client answered a ping
     * (XEP-0199) that the server sent after it (a TCP stream arrives in order, so the answer proves
     * the stanza was read); one ping covers every stanza written before it. It completes
     * {@code false} when the session ends, or loses its connection, before that: the client may or
     * may not have it. It completes exceptionally when the session cannot tell (a provider that
     * does not support receipts, or a session core upgraded meanwhile); the caller then decides as
     * it did before receipts existed.
     *
     * @since 1.2
     */
    default CompletionStage<Boolean> deliverWithReceipt(Stanza stanza) {
        deliver(stanza);
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName() + " gives no receipts"));
    }

    /** Ends the session with a stream error; a null condition closes the stream cleanly. */
    void close(StreamErrorCondition condition, String text);

    /** The client's address (of its current connection, or the last one while detached). */
    InetSocketAddress remoteAddress();

    /** True when the stream is protected by TLS. */
    boolean isSecure();

    /** The SASL mechanism the user authenticated with. */
    String authMechanism();

    /**
     * The TLS protocol version of the session's connection (e.g. {@code TLSv1.3}); null without
     * TLS, while detached, or from a provider that does not tell (an operator's view of sessions).
     *
     * @since 1.3
     */
    default String tlsProtocol() {
        return null;
    }

    /**
     * The TLS cipher suite of the session's connection; null as for {@link #tlsProtocol()}.
     *
     * @since 1.3
     */
    default String tlsCipherSuite() {
        return null;
    }

    /**
     * Stanzas sent to the client under stream management (XEP-0198) that it has not acknowledged
     * yet, what waits for a detached session included: the depth of its resumption queue, for
     * monitoring. 0 without stream management; -1 from a provider that does not tell. Read without
     * a lock, so it may be a moment old.
     *
     * @since 1.4
     */
    default int unacknowledged() {
        return -1;
    }
}
