package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.parley.api.connection.ClientConnection;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * Stands for a connection a session does not have right now: a detached session's lost one, or,
 * after a core upgrade, the one the transport has not re-attached yet. Writing to it does nothing
 * (the session's outbound queue keeps what matters); it only remembers what the real one was.
 */
final class AbsentConnection implements ClientConnection {
    private final String id;
    private final InetSocketAddress remote;
    private final boolean secure;

    AbsentConnection(String id, InetSocketAddress remote, boolean secure) {
        this.id = id;
        this.remote = remote;
        this.secure = secure;
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
        return null;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    @Override
    public void openStream(String from, String to, String version, String lang, Element features) {
    }

    @Override
    public void send(Element element) {
    }

    @Override
    public void startTls(Element proceed) {
    }

    @Override
    public void sendAndResetStream(Element element) {
    }

    @Override
    public void close() {
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
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
        return null;
    }

    @Override
    public String tlsCipherSuite() {
        return null;
    }

    @Override
    public void suspendReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public String toString() {
        return "absent connection " + id;
    }
}
