package org.parley.api.connection;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * One client connection, as the transport offers it to the session core. Methods never block;
 * writes are queued in call order. Any thread may write; the transport encrypts on the writing
 * thread, so the session core writes from its own threads, not the I/O threads.
 */
@ProviderType
public interface ClientConnection {
    /** A server-unique connection id, used as the stream id. */
    String id();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** True when TLS protects this connection (direct TLS, or STARTTLS completed). */
    boolean isSecure();

    /** True when this connection can be upgraded with STARTTLS now. */
    boolean canStartTls();

    /**
     * Sends the response stream header ({@code <stream:stream ...>}) with the jabber:client default
     * namespace, and the stream features after it in the same write. Together, because clients
     * that take any bytes as the answer to their header (Tsung is one) would otherwise send their
     * next request on seeing the header alone, before the features told them what they may send.
     */
    void openStream(String from, String to, String version, String lang, Element features);

    /** Sends one top-level element (a stanza, stream features, a SASL or TLS element). */
    void send(Element element);

    /**
     * Sends {@code element} (the {@code <proceed/>}) and then starts the TLS handshake as server;
     * the next stream header comes over TLS. Fails the connection if TLS is not available.
     */
    void startTls(Element proceed);

    /** Sends {@code element} (SASL success) and expects a new stream header from the client (RFC 6120 section 6.4.6). */
    void sendAndResetStream(Element element);

    /** Closes the stream cleanly with {@code </stream:stream>} and then the connection. */
    void close();

    /**
     * Sends a stream error and closes (RFC 6120 section 4.9). If no stream header was sent yet,
     * one is sent first.
     */
    void closeWithError(StreamErrorCondition condition, String text);

    /**
     * Closes the connection at once, writing nothing more: no stream close, no stream error, and
     * on a TLS port no handshake if it has not happened yet. For a connection the server refuses
     * to talk to at all (an operator's denied network with {@code networkRefusal = close}).
     * Providers that cannot do better may close cleanly instead.
     *
     * @since 1.2
     */
    default void abort() {
        close();
    }

    /**
     * Channel-binding data for the TLS connection (RFC 5929 {@code tls-server-end-point}, RFC 9266
     * {@code tls-exporter}), when the transport supports the type.
     */
    Optional<byte[]> channelBinding(String type);

    /**
     * The certificate chain the client presented in the TLS handshake, its own first; empty when it
     * presented none or there is no TLS.
     *
     * @since 1.1
     */
    List<X509Certificate> peerCertificates();

    /** The negotiated TLS protocol version (e.g. {@code TLSv1.3}), or null without TLS. @since 1.1 */
    String tlsProtocol();

    /** The negotiated TLS cipher suite, or null without TLS. @since 1.1 */
    String tlsCipherSuite();

    /**
     * Stops reading from the connection until {@link #resumeReading}: the stream handler uses it
     * when it has more received elements waiting than it wants to hold, so a client that sends
     * faster than the server processes is slowed by TCP instead of filling memory.
     *
     * @since 1.1
     */
    void suspendReading();

    /** Reads from the connection again after {@link #suspendReading}. @since 1.1 */
    void resumeReading();
}
