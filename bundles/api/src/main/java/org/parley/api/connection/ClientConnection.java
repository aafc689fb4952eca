package org.parley.api.connection;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * One client connection, as the transport offers it to the stream router. Methods never block;
 * writes are queued in call order.
 */
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
     * Channel-binding data for the TLS connection (RFC 5929 {@code tls-server-end-point}, RFC 9266
     * {@code tls-exporter}), when the transport supports the type.
     */
    Optional<byte[]> channelBinding(String type);
}
