package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.api.connection.ClientConnection;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;

/** A connection that records what the session core sends on it. */
final class FakeConnection implements ClientConnection {
    private static int ids;
    final String id;
    final List<Element> sent = new ArrayList<>();
    int resets;
    volatile boolean secure;
    boolean tlsAvailable = true;
    volatile boolean closed;
    volatile boolean aborted;
    volatile StreamErrorCondition error;
    /** Where the client connects from. */
    volatile InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 50000);
    volatile boolean readingSuspended;
    int suspensions;

    FakeConnection() {
        synchronized (FakeConnection.class) {
            id = "c" + (++ids);
        }
    }

    /** A connection that did direct TLS (port 5223). */
    static FakeConnection secured() {
        FakeConnection c = new FakeConnection();
        c.secure = true;
        return c;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5222);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return tlsAvailable && !secure;
    }

    @Override
    public synchronized void openStream(String from, String to, String version, String lang, Element features) {
        sent.add(features);
    }

    @Override
    public synchronized void send(Element element) {
        if (!closed) {
            sent.add(element);
        }
    }

    @Override
    public synchronized void startTls(Element proceed) {
        sent.add(proceed);
        secure = true;
        resets++;
    }

    @Override
    public synchronized void sendAndResetStream(Element element) {
        sent.add(element);
        resets++;
    }

    @Override
    public void abort() {
        aborted = true;
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        if (!closed) {
            error = condition;
        }
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
        return secure ? "TLSv1.3" : null;
    }

    @Override
    public String tlsCipherSuite() {
        return null;
    }

    @Override
    public void suspendReading() {
        readingSuspended = true;
        suspensions++;
    }

    @Override
    public void resumeReading() {
        readingSuspended = false;
    }

    synchronized Element last() {
        return sent.get(sent.size() - 1);
    }

    synchronized List<Element> sentSnapshot() {
        return List.copyOf(sent);
    }

    /** The stanzas (jabber:client elements) sent, in order. */
    synchronized List<Element> stanzas() {
        return sent.stream().filter(e -> Namespaces.CLIENT.equals(e.namespace())).toList();
    }

    /** The elements in a namespace that were sent, in order. */
    synchronized List<Element> sentIn(String namespace) {
        return sent.stream().filter(e -> namespace.equals(e.namespace())).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
