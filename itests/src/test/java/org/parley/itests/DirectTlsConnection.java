package org.parley.itests;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * An {@link XMPPTCPConnection} over a {@link DirectTlsSocketFactory} socket. XMPPTCPConnection only
 * counts a connection as secure after its own STARTTLS, so with {@code SecurityMode.required} it
 * would refuse a direct TLS stream; this subclass reports the TLS session of its socket instead.
 */
public final class DirectTlsConnection extends XMPPTCPConnection {
    private final DirectTlsSocketFactory sockets;

    DirectTlsConnection(XMPPTCPConnectionConfiguration config) {
        super(config);
        this.sockets = (DirectTlsSocketFactory) config.getSocketFactory();
    }

    /** The negotiated TLS session, or null before a handshake succeeded. */
    public SSLSession tlsSession() {
        SSLSocket socket = sockets.lastSocket();
        if (socket == null || !socket.isConnected() || socket.isClosed()) {
            return null;
        }
        SSLSession session = socket.getSession();
        return session.isValid() && !"NONE".equals(session.getProtocol()) ? session : null;
    }

    @Override
    public boolean isSecureConnection() {
        return tlsSession() != null;
    }
}
