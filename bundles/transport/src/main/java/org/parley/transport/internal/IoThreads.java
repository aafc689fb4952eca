package org.parley.transport.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;

/**
 * The selector threads that read and write the client connections: MINA's processor pool with
 * one difference, in how pausing and resuming a connection's reading takes effect.
 *
 * <p>MINA's own pool applies {@code suspendRead()}/{@code resumeRead()} on the calling thread, by a
 * read-modify-write of the selection key's interest set. The connection's I/O thread rewrites that
 * set too, whenever it starts or finishes flushing, so a resume called from another thread (the
 * session core catching up, STARTTLS resuming after the TLS filter is in place) can be overwritten
 * and lost: the connection is then never read again, and its client waits until it times out
 * (seen as a STARTTLS handshake that never completes, about once in a few thousand sign-ins on a
 * busy machine). Even when not lost, such a resume took effect only when the selector next woke
 * for some other reason, up to a second later. Here the change is queued for the connection's own
 * I/O thread, which is woken and applies the session's current read and write state between
 * selects; it alone touches the interest set.
 *
 * <p>A second difference: a write to an idle connection is made by the writing thread itself
 * (connections must be given a {@link WriteQueue} through {@link WriteQueue.Factory}).
 */
final class IoThreads implements IoProcessor<NioSession> {
    private final ExecutorService threads;
    private final NioProcessor[] processors;

    /** @param count the number of selector threads (MINA's default: one more than the processors) */
    IoThreads(int count) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "parley-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.threads = Executors.newFixedThreadPool(count, named);
        this.processors = new NioProcessor[count];
        for (int i = 0; i < count; i++) {
            processors[i] = new NioProcessor(threads);
        }
    }

    static int defaultCount() {
        return Runtime.getRuntime().availableProcessors() + 1;
    }

    /** A connection's processor, for its whole life: chosen by its id, which never changes. */
    private NioProcessor of(NioSession session) {
        return processors[(int) Math.floorMod(session.getId(), (long) processors.length)];
    }

    @Override
    public void add(NioSession session) {
        of(session).add(session);
    }

    @Override
    public void flush(NioSession session) {
        of(session).flush(session);
    }

    /**
     * MINA's filter chain calls this for a write to a connection with nothing queued: the caller
     * writes it to the socket itself when it can (see {@link WriteQueue}), instead of waking the
     * connection's I/O thread to do it.
     */
    @Override
    public void write(NioSession session, WriteRequest writeRequest) {
        if (session.getWriteRequestQueue() instanceof WriteQueue queue) {
            switch (queue.writeNow(session, writeRequest)) {
                case WRITTEN -> {
                    return;
                }
                case QUEUED -> {
                    of(session).flush(session);
                    return;
                }
                case NO -> {
                }
            }
        }
        of(session).write(session, writeRequest);
    }

    @Override
    public void remove(NioSession session) {
        of(session).remove(session);
    }

    /** Queued for the I/O thread instead of applied here: see the class comment. */
    @Override
    public void updateTrafficControl(NioSession session) {
        of(session).updateTrafficMask(session);
    }

    @Override
    public boolean isDisposing() {
        return processors[0].isDisposing();
    }

    @Override
    public boolean isDisposed() {
        return processors[0].isDisposed();
    }

    @Override
    public void dispose() {
        for (NioProcessor p : processors) {
            p.dispose();
        }
        threads.shutdown();
    }
}
