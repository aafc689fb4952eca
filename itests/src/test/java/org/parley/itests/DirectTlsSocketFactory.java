package org.parley.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Sockets that speak TLS from their first byte (XEP-0368 direct TLS). The handshake sends SNI for
 * the XMPP domain and checks the certificate against it (endpoint identification), so the
 * connection is verified like a STARTTLS one. Smack 4.5.0-rc1 has no direct TLS of its own (its
 * modular TCP transport says "DirectTLS is not implemented yet"), so it is given these sockets.
 */
final class DirectTlsSocketFactory extends SocketFactory {
    private final SSLContext context;
    private final String domain;
    private volatile SSLSocket last;

    DirectTlsSocketFactory(SSLContext context, String domain) {
        this.context = context;
        this.domain = domain;
    }

    /** The socket most recently made (a factory serves one connection). */
    SSLSocket lastSocket() {
        return last;
    }

    @Override
    public Socket createSocket() throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(domain)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        last = socket;
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }
}
