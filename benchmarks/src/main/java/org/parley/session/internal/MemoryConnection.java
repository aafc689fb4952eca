package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.StreamHandler;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * A client connection without a socket: bytes in through the real stream parser to the session
 * core, elements out through the real serializer, as the transport's MinaClientConnection does;
 * the bytes it would hand to MINA are only counted, and the last ones kept. It claims direct TLS,
 * so the core negotiates as on port 5223 and TLS itself is not part of what is measured. Writes
 * come from the session threads, one at a time per connection; the counters are volatile so the
 * benchmark thread sees them.
 */
final class MemoryConnection implements ClientConnection, XmppStreamParser.Listener {
    private final String id;
    private final XmppStreamParser parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, this);
    private StreamHandler handler;
    private boolean resetPending;
    volatile long bytesWritten;
    /** Top-level elements written (stanzas and the like), for benchmarks that count deliveries. */
    volatile long messagesWritten;
    volatile byte[] lastWritten;
    volatile StreamErrorCondition error;
    volatile boolean closed;

    MemoryConnection(String id) {
        this.id = id;
    }

    void attach(StreamHandler streamHandler) {
        this.handler = streamHandler;
    }

    StreamHandler handler() {
        return handler;
    }

    /** What the transport does for an idle connection: the parser gives its buffers back. */
    void compactParser() {
        parser.compact();
    }

    /** Drops the copy of the last bytes written, so that probes count only the server's objects. */
    void forgetWritten() {
        lastWritten = null;
    }

    /** What the transport does with bytes read from the socket. */
    void receive(byte[] bytes) throws XmlStreamException {
        if (resetPending) {
            resetPending = false;
            parser.reset();
        }
        parser.feed(bytes, 0, bytes.length);
    }

    void receive(String xml) throws XmlStreamException {
        receive(xml.getBytes(StandardCharsets.UTF_8));
    }

    String lastWrittenText() {
        return lastWritten == null ? "" : new String(lastWritten, StandardCharsets.UTF_8);
    }

    private synchronized void write(byte[] bytes) {
        bytesWritten += bytes.length;
        lastWritten = bytes;
    }

    // ---- XmppStreamParser.Listener ----

    @Override
    public void streamOpened(StreamHeader header) {
        handler.streamOpened(header);
    }

    @Override
    public void element(Element element) {
        handler.element(element);
    }

    @Override
    public void streamClosed() {
        handler.streamClosed();
    }

    // ---- ClientConnection ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5223);
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    @Override
    public void openStream(String from, String to, String version, String lang, Element features) {
        write(XmlSerializer.streamHeader(from, to, id, version, lang).getBytes(StandardCharsets.UTF_8));
        send(features);
    }

    @Override
    public void send(Element element) {
        write(XmlSerializer.toBytes(element));
        messagesWritten++; // one writer at a time per connection (its outbound queue)
    }

    @Override
    public void startTls(Element proceed) {
        throw new IllegalStateException("the connection is already secure");
    }

    @Override
    public void sendAndResetStream(Element element) {
        resetPending = true;
        send(element);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        error = condition;
        closed = true;
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        return Optional.empty();
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return List.of();
    }

    @Override
    public String tlsProtocol() {
        return "TLSv1.3";
    }

    @Override
    public String tlsCipherSuite() {
        return "TLS_AES_128_GCM_SHA256";
    }

    @Override
    public void suspendReading() {
    }

    @Override
    public void resumeReading() {
    }
}
