package org.parley.components.internal;

import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.ssl.SslFilter;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's events for component connections, turned into {@link ComponentStream} calls. Component
 * connections are few and long-lived, so MINA's own SslFilter does for TLS here (the transport's
 * leaner filter is for a hundred thousand clients), with engines from the tls bundle so Parley's
 * protocol and cipher policy and certificate apply.
 */
final class ComponentIoHandler extends IoHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentIoHandler.class);
    private static final AttributeKey STREAM = new AttributeKey(ComponentIoHandler.class, "stream");

    private final ComponentHost host;
    private final int tlsPort;
    private final Supplier<TlsContextProvider> tls;
    private final SecureRandom random = new SecureRandom();

    ComponentIoHandler(ComponentHost host, int tlsPort, Supplier<TlsContextProvider> tls) {
        this.host = host;
        this.tlsPort = tlsPort;
        this.tls = tls;
    }

    @Override
    public void sessionCreated(IoSession session) throws Exception {
        int localPort = ((InetSocketAddress) session.getLocalAddress()).getPort();
        if (tlsPort != 0 && localPort == tlsPort) {
            TlsContextProvider provider = tls.get();
            if (provider == null) {
                LOG.warn("Refusing a component connection on the TLS port from {}: no TLS service is running", session.getRemoteAddress());
                session.closeNow();
                return;
            }
            session.getFilterChain().addFirst("tls", new PolicySslFilter(provider));
        }
        byte[] id = new byte[12];
        random.nextBytes(id);
        session.setAttribute(STREAM, new ComponentStream(new MinaWire(session), host, HexFormat.of().formatHex(id)));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        ComponentStream stream = (ComponentStream) session.getAttribute(STREAM);
        if (stream != null && message instanceof IoBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            stream.received(bytes, 0, bytes.length);
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        ComponentStream stream = (ComponentStream) session.getAttribute(STREAM);
        if (stream != null) {
            stream.disconnected();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        LOG.debug("Component connection {} failed: {}", session.getRemoteAddress(), cause.toString());
        session.closeNow();
    }

    static ComponentStream streamOf(IoSession session) {
        return (ComponentStream) session.getAttribute(STREAM);
    }

    private static final class MinaWire implements Wire {
        private final IoSession session;

        MinaWire(IoSession session) {
            this.session = session;
        }

        @Override
        public void write(byte[] bytes) {
            session.write(IoBuffer.wrap(bytes));
        }

        @Override
        public void closeAfterWrites() {
            session.closeOnFlush();
        }

        @Override
        public void suspendReading() {
            session.suspendRead();
        }

        @Override
        public void resumeReading() {
            session.resumeRead();
        }

        @Override
        public long pendingWriteBytes() {
            return session.getScheduledWriteBytes();
        }

        @Override
        public InetSocketAddress remote() {
            return (InetSocketAddress) session.getRemoteAddress();
        }
    }

    /** MINA's SslFilter with the engine the tls bundle makes (the context it requires is never used). */
    private static final class PolicySslFilter extends SslFilter {
        private final TlsContextProvider provider;

        PolicySslFilter(TlsContextProvider provider) throws NoSuchAlgorithmException {
            super(SSLContext.getInstance("TLS"));
            this.provider = provider;
        }

        @Override
        protected SSLEngine createEngine(IoSession session, InetSocketAddress addr) {
            return provider.createServerEngine(addr == null ? null : addr.getHostString(), addr == null ? 0 : addr.getPort());
        }
    }
}
