package org.parley.transport.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSession;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.StreamHandler;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.tls.TlsContextProvider;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client TCP connection: bytes in through the XML parser to the router's stream handler,
 * elements out through the serializer. Reads happen on the connection's MINA I/O thread only;
 * writes may come from any thread (MINA queues them in call order).
 */
final class MinaClientConnection implements ClientConnection, XmppStreamParser.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(MinaClientConnection.class);
    static final String SSL_FILTER = "tls";
    /**
     * Bytes queued for a client that is not reading before it is disconnected: a stalled or
     * malicious reader must not make the server buffer without bound. It bounds TLS sessions
     * alike: {@link TlsFilter} encrypts each write at once and passes the records down, so they
     * count here (only writes made during the handshake wait above, briefly).
     */
    static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;

    private final IoSession session;
    private final ClientTransport transport;
    private final XmppStreamParser parser;
    private StreamHandler handler;
    private volatile boolean secure;
    private volatile boolean headerSent;
    /** Set by any thread after SASL success; the I/O thread resets the parser before the next bytes. */
    private volatile boolean resetPending;
    private volatile boolean closing;

    MinaClientConnection(IoSession session, ClientTransport transport, XmppStreamParser.Limits limits, boolean directTls) {
        this.session = session;
        this.transport = transport;
        this.parser = new XmppStreamParser(limits, this);
        this.secure = directTls;
    }

    void attach(StreamHandler streamHandler) {
        this.handler = streamHandler;
    }

    // ---- bytes in (I/O thread) ----

    void received(IoBuffer buffer) {
        if (closing) {
            return;
        }
        if (resetPending) {
            resetPending = false;
            parser.reset();
        }
        try {
            if (buffer.hasArray()) {
                parser.feed(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            } else {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                parser.feed(copy, 0, copy.length);
            }
        } catch (XmlStreamException e) {
            LOG.debug("Stream error from {}: {} {}", remoteAddress(), e.condition().xmlName(), e.getMessage());
            closeWithError(e.condition(), e.getMessage());
        }
    }

    /** The connection has been quiet for a while: give back the parser's buffers. */
    void idle() {
        parser.compact();
    }

    @Override
    public void streamOpened(StreamHeader header) {
        handler.streamOpened(header);
    }

    /** Asks the stream handler at each top-level start tag, so what it never accepts is refused at once. */
    @Override
    public void topLevelElementStarted(String namespace, String localName) throws XmlStreamException {
        StreamErrorCondition refusal = handler.refusalOfTopLevelElement(namespace, localName);
        if (refusal != null) {
            throw new XmlStreamException(refusal, "<" + shortened(localName)
                    + (namespace.isEmpty() ? "" : " xmlns='" + shortened(namespace) + "'") + "> is not accepted here");
        }
    }

    /** The peer's names, cut short for the error text it gets back. */
    private static String shortened(String name) {
        return name.length() <= 64 ? name : name.substring(0, 61) + "...";
    }

    @Override
    public void element(Element element) {
        handler.element(element);
    }

    @Override
    public void streamClosed() {
        handler.streamClosed();
    }

    void disconnected() {
        closing = true;
        if (handler != null) {
            handler.disconnected();
        }
    }

    // ---- ClientConnection ----

    @Override
    public String id() {
        return Long.toHexString(session.getId());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) session.getRemoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) session.getLocalAddress();
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return !secure && transport.tls() != null;
    }

    @Override
    public void openStream(String from, String to, String version, String lang, Element features) {
        write(concat(header(from, to, version, lang), XmlSerializer.toBytes(features)));
        headerSent = true;
    }

    private byte[] header(String from, String to, String version, String lang) {
        // Each stream (initial, after STARTTLS, after SASL) gets a fresh id (RFC 6120 section 4.7.3).
        String streamId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(session.getId());
        return XmlSerializer.streamHeader(from, to, streamId, version, lang).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Override
    public void send(Element element) {
        if (!closing) {
            write(XmlSerializer.toBytes(element));
        }
    }

    @Override
    public void startTls(Element proceed) {
        TlsContextProvider tls = transport.tls();
        if (tls == null || secure) {
            closeWithError(StreamErrorCondition.INTERNAL_SERVER_ERROR, "TLS is not available");
            return;
        }
        // <proceed/> passes the chain before the TLS filter exists, so it leaves in plaintext;
        // everything after it, both ways, is TLS (RFC 6120 section 5.4.3.3).
        send(proceed);
        try {
            session.getFilterChain().addFirst(SSL_FILTER, TlsFilter.withPolicy(tls));
        } catch (Exception e) {
            LOG.error("Cannot start TLS for {}", remoteAddress(), e);
            session.closeNow();
            return;
        }
        secure = true;
        headerSent = false;
        parser.reset();
    }

    @Override
    public void sendAndResetStream(Element element) {
        resetPending = true;
        headerSent = false;
        send(element);
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        write(XmlSerializer.streamClose().getBytes(StandardCharsets.UTF_8));
        TlsFilter.closeNotify(session);
        session.closeOnFlush();
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        if (closing) {
            return;
        }
        byte[] error = XmlSerializer.toBytes(condition.toElement(text));
        // RFC 6120 section 4.9.1.2: open our stream first, so the error has a stream to be in.
        write(headerSent ? error : concat(header(null, null, "1.0", "en"), error));
        headerSent = true;
        closing = true;
        write(XmlSerializer.streamClose().getBytes(StandardCharsets.UTF_8));
        TlsFilter.closeNotify(session);
        session.closeOnFlush();
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        if (!secure || !"tls-server-end-point".equals(type)) {
            return Optional.empty();
        }
        SSLSession ssl = TlsFilter.sslSession(session);
        Certificate[] local = ssl == null ? null : ssl.getLocalCertificates();
        if (local == null || local.length == 0 || !(local[0] instanceof X509Certificate cert)) {
            return Optional.empty();
        }
        return Optional.of(serverEndPoint(cert));
    }

    /** RFC 5929 section 4.1: the certificate's hash, with SHA-256 standing in for MD5 and SHA-1. */
    static byte[] serverEndPoint(X509Certificate cert) {
        String sigAlg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
        String digest = sigAlg.startsWith("SHA384") ? "SHA-384" : sigAlg.startsWith("SHA512") ? "SHA-512" : "SHA-256";
        try {
            return MessageDigest.getInstance(digest).digest(cert.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash the server certificate", e);
        }
    }

    private void write(byte[] bytes) {
        if (session.getScheduledWriteBytes() > MAX_QUEUED_BYTES) {
            if (!closing) {
                closing = true;
                LOG.warn("Disconnecting {}: it stopped reading and {} bytes wait for it", remoteAddress(),
                        session.getScheduledWriteBytes());
                session.closeNow();
            }
            return;
        }
        session.write(IoBuffer.wrap(bytes));
    }

    @Override
    public String toString() {
        return "connection " + id() + " from " + remoteAddress();
    }
}
