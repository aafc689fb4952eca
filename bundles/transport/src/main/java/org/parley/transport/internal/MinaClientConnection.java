package org.parley.transport.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.StreamHandler;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.tls.TlsContextProvider;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client TCP connection: bytes in through the XML parser to the session core's stream
 * handler, elements out through the serializer. Reads happen on the connection's MINA I/O thread
 * only; writes may come from any thread (MINA queues them in call order).
 *
 * <p>While the session core is replaced, the connection is detached: reading stops, what the
 * parser had already completed is kept, and the successor's handler gets it in order when the
 * transport re-attaches the connection. Handler calls are made under this object's lock, so once
 * {@link #detach} returns, the departing handler is never called again.
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
    /** Guarded by this; null while detached. */
    private StreamHandler handler;
    /** Events that arrived while detached (guarded by this): headers, elements, CLOSED, DISCONNECTED. */
    private List<Object> pending;
    /** Detached before any handler saw it: the next handler gets it as a new connection. */
    private boolean fresh;
    private static final Object CLOSED = new Object();
    private static final Object DISCONNECTED = new Object();
    private volatile boolean secure;
    private volatile boolean headerSent;
    /** Set by any thread after SASL success; the I/O thread resets the parser before the next bytes. */
    private volatile boolean resetPending;
    private volatile boolean closing;
    /**
     * A {@code <starttls/>} arrived and its answer is not out yet: reading is paused, and bytes
     * that arrive meanwhile (the client's ClientHello, should it be read before the pause takes
     * effect) are kept for the TLS filter instead of the XML parser. Guarded by this.
     */
    private boolean awaitingTls;
    private IoBuffer beforeTls;

    MinaClientConnection(IoSession session, ClientTransport transport, XmppStreamParser.Limits limits, boolean directTls) {
        this.session = session;
        this.transport = transport;
        this.parser = new XmppStreamParser(limits, this);
        this.secure = directTls;
    }

    synchronized void attach(StreamHandler streamHandler) {
        this.handler = streamHandler;
    }

    /** Takes the connection from its handler (the session core is going away); reading stops. */
    synchronized void detach() {
        if (handler == null) {
            return;
        }
        handler = null;
        pending = new ArrayList<>(2);
        session.suspendRead();
    }

    /** Holds a connection that arrived while no session core was there, for the next one. */
    synchronized void holdAsNew() {
        fresh = true;
        pending = new ArrayList<>(2);
        session.suspendRead();
    }

    synchronized boolean isDetached() {
        return handler == null;
    }

    /** True when the connection arrived while detached, so the next handler gets it as new. */
    synchronized boolean isFresh() {
        return fresh;
    }

    /**
     * Gives the connection to a new handler: what arrived meanwhile first, in order, then reading
     * resumes.
     */
    synchronized void reattach(StreamHandler streamHandler) {
        handler = streamHandler;
        fresh = false;
        List<Object> events = pending;
        pending = null;
        boolean gone = false;
        if (events != null) {
            for (Object e : events) {
                if (e instanceof StreamHeader h) {
                    streamHandler.streamOpened(h);
                } else if (e instanceof Element el) {
                    streamHandler.element(el);
                } else if (e == CLOSED) {
                    streamHandler.streamClosed();
                } else if (e == DISCONNECTED) {
                    gone = true;
                }
            }
        }
        if (gone) {
            streamHandler.disconnected();
        } else {
            session.resumeRead();
        }
    }

    // ---- bytes in (I/O thread) ----

    void received(IoBuffer buffer) {
        if (closing) {
            return;
        }
        synchronized (this) {
            if (awaitingTls) {
                // The handshake has begun before the TLS filter is in place: keep it for the filter.
                if (beforeTls == null) {
                    beforeTls = IoBuffer.allocate(buffer.remaining()).setAutoExpand(true);
                }
                beforeTls.put(buffer);
                return;
            }
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
    public synchronized void streamOpened(StreamHeader header) {
        if (handler == null) {
            pending.add(header);
        } else {
            handler.streamOpened(header);
        }
    }

    /** Asks the stream handler at each top-level start tag, so what it never accepts is refused at once. */
    @Override
    public synchronized void topLevelElementStarted(String namespace, String localName) throws XmlStreamException {
        // Detached (the session core is being replaced): the successor judges the whole element.
        StreamErrorCondition refusal = handler == null ? null : handler.refusalOfTopLevelElement(namespace, localName);
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
    public synchronized void element(Element element) {
        if (!secure && element.is("starttls", Namespaces.TLS) && transport.tls() != null) {
            // The stream handler answers on another thread; the client's ClientHello follows our
            // <proceed/> at once. Reading pauses here, on the I/O thread, until TLS is in place.
            awaitingTls = true;
            session.suspendRead();
        }
        if (handler == null) {
            pending.add(element);
        } else {
            handler.element(element);
        }
    }

    @Override
    public synchronized void streamClosed() {
        if (handler == null) {
            pending.add(CLOSED);
        } else {
            handler.streamClosed();
        }
    }

    synchronized void disconnected() {
        closing = true;
        if (handler != null) {
            handler.disconnected();
        } else if (pending != null) {
            pending.add(DISCONNECTED);
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
        // everything after it, both ways, is TLS (RFC 6120 section 5.4.3.3). The parser is reset
        // by the I/O thread before the first decrypted bytes (it is that thread's alone).
        IoBuffer early;
        synchronized (this) {
            resetPending = true;
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
            awaitingTls = false;
            early = beforeTls;
            beforeTls = null;
        }
        if (early != null) {
            early.flip();
            session.getFilterChain().fireMessageReceived(early);
        }
        session.resumeRead();
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
    public void abort() {
        closing = true;
        session.closeNow();
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

    @Override
    public List<X509Certificate> peerCertificates() {
        SSLSession ssl = secure ? TlsFilter.sslSession(session) : null;
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ssl.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client presented no certificate
        }
    }

    @Override
    public String tlsProtocol() {
        SSLSession ssl = secure ? TlsFilter.sslSession(session) : null;
        return ssl == null ? null : ssl.getProtocol();
    }

    @Override
    public String tlsCipherSuite() {
        SSLSession ssl = secure ? TlsFilter.sslSession(session) : null;
        return ssl == null ? null : ssl.getCipherSuite();
    }

    @Override
    public void suspendReading() {
        session.suspendRead();
    }

    @Override
    public void resumeReading() {
        session.resumeRead();
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
