package org.parley.transport.internal;

import java.net.InetSocketAddress;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MINA's events for client connections, turned into {@link MinaClientConnection} calls. */
final class XmppIoHandler extends IoHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(XmppIoHandler.class);
    private static final AttributeKey CONNECTION = new AttributeKey(XmppIoHandler.class, "connection");
    /** Seconds of silence after which the parser's buffers are given back (much shorter than the timeout). */
    static final int COMPACT_AFTER_SECONDS = 10;

    private final ClientTransport transport;

    XmppIoHandler(ClientTransport transport) {
        this.transport = transport;
    }

    @Override
    public void sessionCreated(IoSession session) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) session.getRemoteAddress();
        ConnectionLimiter.Refusal refusal = transport.limiter().acquire(remote.getAddress());
        if (refusal != ConnectionLimiter.Refusal.NONE) {
            if (refusal == ConnectionLimiter.Refusal.ADDRESS) {
                LOG.warn("Refusing a connection from {}: {} connections from that address are open", remote.getAddress(),
                        transport.limiter().open(remote.getAddress()));
            } else {
                LOG.warn("Refusing a connection from {}: {} connections are open, the most maxConnections allows",
                        remote.getAddress(), transport.limiter().total());
            }
            session.setAttribute(CONNECTION, null);
            session.closeNow();
            return;
        }
        session.setAttribute(LimitSlot.class, LimitSlot.HELD);
        boolean directTls = transport.isDirectTlsPort(((InetSocketAddress) session.getLocalAddress()).getPort());
        if (directTls && transport.tls() == null) {
            session.closeNow();
            return;
        }
        MinaClientConnection connection = new MinaClientConnection(session, transport, transport.limits(), directTls);
        if (directTls) {
            session.getFilterChain().addFirst(MinaClientConnection.SSL_FILTER, TlsFilter.withPolicy(transport.tls()));
        }
        session.getConfig().setIdleTime(IdleStatus.READER_IDLE, transport.config().idleTimeoutSeconds());
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, COMPACT_AFTER_SECONDS);
        session.setAttribute(CONNECTION, connection);
        transport.accept(connection);
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        MinaClientConnection connection = connection(session);
        if (connection != null && message instanceof IoBuffer buffer) {
            connection.received(buffer);
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        MinaClientConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        if (status == IdleStatus.READER_IDLE) {
            connection.closeWithError(StreamErrorCondition.CONNECTION_TIMEOUT, "idle for too long");
        } else if (status == IdleStatus.BOTH_IDLE) {
            connection.idle();
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        if (session.removeAttribute(LimitSlot.class) != null) {
            transport.limiter().release(((InetSocketAddress) session.getRemoteAddress()).getAddress());
        }
        MinaClientConnection connection = connection(session);
        if (connection != null) {
            connection.disconnected();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        LOG.debug("Connection {} failed: {}", session.getRemoteAddress(), cause.toString());
        session.closeNow();
    }

    static MinaClientConnection connection(IoSession session) {
        return (MinaClientConnection) session.getAttribute(CONNECTION);
    }

    /** Marks a session that holds a slot in the per-address limit. */
    private enum LimitSlot { HELD }
}
