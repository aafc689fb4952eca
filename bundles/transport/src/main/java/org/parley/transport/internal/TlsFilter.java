package org.parley.transport.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.filterchain.IoFilterChain;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.DefaultWriteRequest;
import org.apache.mina.core.write.WriteRequest;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side TLS for one session, in place of MINA's SslFilter, which allocates (and zeroes) two
 * or more packet-size buffers per write and an application-size buffer per read and never
 * reuses them: about 85 KB per small message. Here the engine works in per-thread buffers, so a
 * session holds just its SSLEngine, plus the bytes of a TLS record while one is partly received
 * (DESIGN.md: an idle session holds no I/O buffers). Sealed records travel down in exact-size
 * copies, since MINA queues them; the plaintext of a read goes up in the I/O thread's own buffer,
 * uncopied, and is valid only until {@code messageReceived} returns: the layer above (the stream
 * parser) consumes it there. Copying it cost as many bytes as were received, a third of all the
 * server allocated during a flood of large messages.
 *
 * <p>Reads come from the session's I/O thread only; writes come from any thread. Everything that
 * touches the engine runs under the session's lock, and records are passed down inside it, so
 * records leave in the order the engine sealed them (TLS sequence numbers demand it) and writes
 * in call order.
 */
final class TlsFilter extends IoFilterAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsFilter.class);
    private static final AttributeKey STATE = new AttributeKey(TlsFilter.class, "state");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * Reused per thread: the I/O threads unwrap, any writing thread wraps. Grown, never shrunk;
     * they hold only JDK types, so a bundle update leaves no class loader reachable from a thread.
     */
    private static final ThreadLocal<ByteBuffer> APP = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> NET = new ThreadLocal<>();
    /** Where a partly received record and the read that completes it are joined, per I/O thread. */
    private static final ThreadLocal<ByteBuffer> JOINED = new ThreadLocal<>();
    /**
     * Whether this thread's APP buffer is out with the layers above (between unwrap and the end of
     * messageReceived). An unwrap nested in that delivery, however unlikely, gets a buffer of its own.
     */
    private static final ThreadLocal<Boolean> APP_LENT = new ThreadLocal<>();
    /**
     * The most plaintext of one read passed up in the thread's buffer. A read is at most MINA's
     * largest read buffer (64 KiB), plus the start of a record kept from the read before (16 KiB),
     * and plaintext is never longer than its records; past this, the rest goes up in copies.
     */
    static final int MAX_LENT_PLAINTEXT = 96 * 1024;

    private final Function<InetSocketAddress, SSLEngine> engines;

    /** Engines from the TLS bundle: Parley's protocol and cipher policy and the certificate current now. */
    static TlsFilter withPolicy(TlsContextProvider tls) {
        return new TlsFilter(peer -> tls.createServerEngine(peer == null ? null : peer.getHostString(),
                peer == null ? 0 : peer.getPort()));
    }

    /** @param engines makes the server engine for a peer, with Parley's TLS policy applied */
    TlsFilter(Function<InetSocketAddress, SSLEngine> engines) {
        this.engines = engines;
    }

    /** The negotiated TLS session once the handshake has completed, else null (channel binding). */
    static SSLSession sslSession(IoSession session) {
        State state = (State) session.getAttribute(STATE);
        if (state == null) {
            return null;
        }
        synchronized (state) {
            return state.secured ? state.engine.getSession() : null;
        }
    }

    /** Bytes the session holds between events (a partial record, writes waiting for the handshake). */
    static int heldBytes(IoSession session) {
        State state = state(session);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            int held = state.pending == null ? 0 : state.pending.capacity();
            if (state.waiting != null) {
                for (WriteRequest request : state.waiting) {
                    held += ((IoBuffer) request.getMessage()).remaining();
                }
            }
            return held;
        }
    }

    /**
     * Queues a close_notify behind everything written so far, for an orderly close: MINA drops
     * what is written once the session is closing, so it cannot wait for filterClose.
     */
    static void closeNotify(IoSession session) {
        State state = (State) session.getAttribute(STATE);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (!state.secured || state.engine.isOutboundDone()) {
                return;
            }
            state.engine.closeOutbound();
            try {
                state.wrapHandshake(session);
            } catch (SSLException e) {
                LOG.debug("No close_notify for {}: {}", session.getRemoteAddress(), e.toString());
            }
        }
    }

    @Override
    public void onPreAdd(IoFilterChain parent, String name, NextFilter nextFilter) {
        IoSession session = parent.getSession();
        SSLEngine engine = engines.apply((InetSocketAddress) session.getRemoteAddress());
        engine.setUseClientMode(false);
        session.setAttribute(STATE, new State(engine, nextFilter));
    }

    @Override
    public void onPostAdd(IoFilterChain parent, String name, NextFilter nextFilter) throws SSLException {
        // A server speaks second: the handshake waits for the ClientHello.
        State state = state(parent.getSession());
        synchronized (state) {
            state.engine.beginHandshake();
        }
    }

    @Override
    public void messageReceived(NextFilter next, IoSession session, Object message) throws Exception {
        State state = state(session);
        if (state == null || !(message instanceof IoBuffer in)) {
            next.messageReceived(session, message);
            return;
        }
        List<IoBuffer> plain;
        boolean closed;
        boolean lend = APP_LENT.get() == null;
        synchronized (state) {
            try {
                plain = state.unwrap(session, in, lend);
            } catch (SSLException e) {
                failed(session, e);
                return;
            }
            closed = state.engine.isInboundDone();
        }
        // Nothing of the read is kept (a partial record was copied): its buffer can serve the next read.
        in.free();
        // Outside the lock: the layers above may write, from this thread or another.
        if (lend) {
            APP_LENT.set(Boolean.TRUE);
        }
        try {
            for (int i = 0; i < plain.size(); i++) {
                next.messageReceived(session, plain.get(i));
            }
        } finally {
            if (lend) {
                APP_LENT.remove();
            }
        }
        if (closed) {
            // The peer sent close_notify; ours was queued by the unwrap loop.
            session.closeOnFlush();
        }
    }

    @Override
    public void filterWrite(NextFilter next, IoSession session, WriteRequest request) throws Exception {
        State state = state(session);
        if (state == null || request instanceof Record || !(request.getMessage() instanceof IoBuffer)) {
            next.filterWrite(session, request);
            return;
        }
        synchronized (state) {
            if (!state.secured) {
                if (state.waiting == null) {
                    state.waiting = new ArrayDeque<>(4);
                }
                state.waiting.add(request);
                return;
            }
            try {
                state.wrap(session, request);
            } catch (SSLException e) {
                failed(session, e);
            }
        }
    }

    @Override
    public void messageSent(NextFilter next, IoSession session, WriteRequest request) throws Exception {
        if (request instanceof Record record) {
            // Handshake records and leading parts of a long write have nothing above to tell.
            if (record.original != null) {
                next.messageSent(session, record.original);
            }
        } else {
            next.messageSent(session, request);
        }
    }

    @Override
    public void sessionClosed(NextFilter next, IoSession session) throws Exception {
        State state = state(session);
        if (state != null) {
            synchronized (state) {
                state.pending = null;
                if (state.waiting != null) {
                    for (WriteRequest request : state.waiting) {
                        fail(request, new SSLException("closed before the TLS handshake completed"));
                    }
                    state.waiting = null;
                }
                // No closeInbound(): it throws for a peer that went without close_notify, which is common.
                state.engine.closeOutbound();
            }
        }
        next.sessionClosed(session);
    }

    private static void failed(IoSession session, SSLException e) {
        LOG.debug("TLS failed for {}: {}", session.getRemoteAddress(), e.toString());
        session.closeNow();
    }

    private static void fail(WriteRequest request, Throwable cause) {
        try {
            request.getFuture().setException(cause);
        } catch (RuntimeException ignored) {
            // A request written without a future (MINA's placeholder) cannot be told.
        }
    }

    private static State state(IoSession session) {
        return (State) session.getAttribute(STATE);
    }

    private static ByteBuffer buffer(ThreadLocal<ByteBuffer> local, int size) {
        ByteBuffer buffer = local.get();
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(size);
            local.set(buffer);
        }
        buffer.clear();
        return buffer;
    }

    /** Copies what the engine has produced into a buffer of exactly that size and empties it. */
    private static IoBuffer take(ByteBuffer produced) {
        produced.flip();
        byte[] bytes = new byte[produced.remaining()];
        produced.get(bytes);
        produced.clear();
        return IoBuffer.wrap(bytes);
    }

    /**
     * Encrypted bytes on their way down. Carries the plaintext request's future, so it completes
     * when the last of its records is written, and the original for messageSent above.
     */
    private static final class Record extends DefaultWriteRequest {
        final WriteRequest original;

        Record(IoBuffer encrypted, WriteRequest original) {
            super(encrypted, original == null ? null : original.getFuture());
            this.original = original;
        }

        @Override
        public WriteRequest getOriginalRequest() {
            return original == null ? this : original;
        }

        @Override
        public Object getOriginalMessage() {
            return original == null ? super.getOriginalMessage() : original.getOriginalMessage();
        }
    }

    /** Per session; guarded by its own monitor. Idle, it holds the engine and nothing else. */
    private static final class State {
        final SSLEngine engine;
        /** Where records go: the filter below this one. Fixed for the life of the filter. */
        final NextFilter next;
        /** The start of a record not yet complete, exactly sized; null between records. */
        ByteBuffer pending;
        /** Writes made before the handshake completed, in call order; null when none. */
        ArrayDeque<WriteRequest> waiting;
        boolean secured;

        State(SSLEngine engine, NextFilter next) {
            this.engine = engine;
            this.next = next;
        }

        /**
         * Decrypts what a read brought. With {@code lend}, the last (usually the only) plaintext
         * returned is a view of this thread's APP buffer, valid until this thread unwraps again;
         * without, every plaintext is a copy of its own.
         */
        List<IoBuffer> unwrap(IoSession session, IoBuffer in, boolean lend) throws SSLException {
            ByteBuffer src;
            if (pending == null) {
                src = in.buf();
            } else {
                src = buffer(JOINED, pending.remaining() + in.remaining());
                src.put(pending).put(in.buf()).flip();
                pending = null;
            }
            List<IoBuffer> plain = List.of();
            int appSize = engine.getSession().getApplicationBufferSize();
            ByteBuffer app = lend ? buffer(APP, appSize) : ByteBuffer.allocate(appSize);
            loop:
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> {
                        runTasks();
                        continue;
                    }
                    case NEED_WRAP -> {
                        if (wrapHandshake(session)) {
                            continue;
                        }
                    }
                    default -> {
                    }
                }
                if (!src.hasRemaining() || engine.isInboundDone()) {
                    break;
                }
                SSLEngineResult result = engine.unwrap(src, app);
                switch (result.getStatus()) {
                    case OK -> {
                        HandshakeStatus status = result.getHandshakeStatus();
                        if (status == HandshakeStatus.FINISHED) {
                            finished(session);
                        } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                                && (status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NOT_HANDSHAKING)) {
                            break loop;
                        }
                    }
                    case BUFFER_UNDERFLOW -> {
                        break loop;
                    }
                    case BUFFER_OVERFLOW -> {
                        int needed = engine.getSession().getApplicationBufferSize();
                        if (app.position() == 0 || (lend && app.position() + needed <= MAX_LENT_PLAINTEXT)) {
                            // Room for the next record after what is there: the read's plaintext stays in
                            // one buffer. (With nothing there yet, the session's sizes grew during the
                            // handshake, e.g. a larger fragment length.)
                            app = grow(lend ? APP : null, app, app.position() + needed);
                        } else {
                            plain = add(plain, take(app));
                        }
                    }
                    case CLOSED -> {
                        // close_notify arrived; the loop answers it with ours (NEED_WRAP) and stops.
                    }
                    default -> throw new SSLException("unexpected unwrap status " + result.getStatus());
                }
            }
            if (src.hasRemaining() && !engine.isInboundDone()) {
                pending = ByteBuffer.allocate(src.remaining());
                pending.put(src).flip();
            }
            if (app.position() > 0) {
                plain = add(plain, lend ? IoBuffer.wrap(app.array(), 0, app.position()) : take(app));
            }
            return plain;
        }

        /** Seals one plaintext write and passes its records down; the last carries its future. */
        void wrap(IoSession session, WriteRequest request) throws SSLException {
            ByteBuffer src = ((IoBuffer) request.getMessage()).buf();
            ByteBuffer net = buffer(NET, engine.getSession().getPacketBufferSize());
            while (src.hasRemaining()) {
                SSLEngineResult result = engine.wrap(src, net);
                switch (result.getStatus()) {
                    case OK -> {
                    }
                    case BUFFER_OVERFLOW -> {
                        if (net.position() > 0) {
                            // A write of more than one record: send what is sealed and reuse the buffer.
                            next.filterWrite(session, new Record(take(net), null));
                        } else {
                            net = grow(NET, net, engine.getSession().getPacketBufferSize());
                        }
                    }
                    case CLOSED -> {
                        fail(request, new SSLException("TLS is closed"));
                        return;
                    }
                    default -> throw new SSLException("unexpected wrap status " + result.getStatus());
                }
            }
            if (net.position() > 0) {
                next.filterWrite(session, new Record(take(net), request));
            } else {
                // An empty write: nothing to seal, but its future and messageSent should still happen.
                next.filterWrite(session, request);
            }
        }

        /**
         * Produces the engine's own records (handshake, alerts, close_notify) while it asks to wrap.
         * Returns whether it produced anything, so that callers looping on NEED_WRAP cannot spin.
         */
        boolean wrapHandshake(IoSession session) throws SSLException {
            ByteBuffer net = buffer(NET, engine.getSession().getPacketBufferSize());
            boolean progress = false;
            while (true) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    runTasks();
                    progress = true;
                    continue;
                }
                if (status != HandshakeStatus.NEED_WRAP) {
                    break;
                }
                SSLEngineResult result = engine.wrap(EMPTY, net);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (net.position() > 0) {
                        next.filterWrite(session, new Record(take(net), null));
                    } else {
                        net = grow(NET, net, engine.getSession().getPacketBufferSize());
                    }
                    continue;
                }
                progress |= result.bytesProduced() > 0;
                if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    if (net.position() > 0) {
                        next.filterWrite(session, new Record(take(net), null));
                    }
                    finished(session);
                    return true;
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED || result.bytesProduced() == 0) {
                    break;
                }
            }
            if (net.position() > 0) {
                next.filterWrite(session, new Record(take(net), null));
            }
            return progress;
        }

        /** The handshake is done: the writes that waited for it go now, in their order. */
        private void finished(IoSession session) throws SSLException {
            secured = true;
            ArrayDeque<WriteRequest> queued = waiting;
            waiting = null;
            if (queued != null) {
                for (WriteRequest request : queued) {
                    wrap(session, request);
                }
            }
        }

        /**
         * Runs the engine's delegated tasks (certificate signing, key agreement) inline on this
         * thread, under the session's lock. That keeps ordering simple: no handshake state changes
         * behind the lock's back. The cost is about a millisecond of an I/O thread per handshake.
         */
        private void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }

        /** A larger buffer with what {@code full} holds; it replaces the thread's, unless {@code local} is null. */
        private static ByteBuffer grow(ThreadLocal<ByteBuffer> local, ByteBuffer full, int atLeast) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, Math.min(full.capacity() * 2, MAX_LENT_PLAINTEXT)));
            full.flip();
            bigger.put(full);
            if (local != null) {
                local.set(bigger);
            }
            return bigger;
        }

        private static List<IoBuffer> add(List<IoBuffer> list, IoBuffer buffer) {
            if (list.isEmpty()) {
                return List.of(buffer);
            }
            List<IoBuffer> more = new ArrayList<>(list);
            more.add(buffer);
            return more;
        }
    }
}
