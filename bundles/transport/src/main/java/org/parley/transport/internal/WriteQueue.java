package org.parley.transport.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.DefaultIoSessionDataStructureFactory;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.apache.mina.core.session.IoSessionDataStructureFactory;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.core.write.WriteRequestQueue;
import org.apache.mina.transport.socket.nio.NioSession;

/**
 * A connection's write queue that also lets the writing thread put its bytes on the socket itself.
 *
 * <p>Most writes to a client come from a session thread (a message routed to it), not from the
 * connection's I/O thread. Through MINA's queue alone each of them wakes the I/O thread's selector
 * (a system call, and on a virtual machine a sleeping CPU woken) only for that thread to make the
 * one {@code write} the caller could have made: a second thread hand-off per delivered message,
 * after the session pool's. When nothing of the connection is queued or being written, the caller
 * writes here and nothing is woken; whatever the socket does not take at once (a slow reader's
 * full buffer) is queued as MINA would have left it, and the I/O thread writes it when the socket
 * can take more.
 *
 * <p>Order is kept because this queue knows when the I/O thread is writing: it is between taking a
 * request ({@link #poll} returning one) and coming back for the next ({@link #poll} returning
 * null, MINA's flush loop asks until the queue is empty). A direct write happens only when no
 * request is queued and none is taken, under the same lock that queueing and taking hold.
 */
final class WriteQueue implements WriteRequestQueue {
    /** Requests waiting for the I/O thread, oldest first; guarded by this, created at the first wait. */
    private ArrayDeque<WriteRequest> queued;
    /** The I/O thread took a request and has not yet asked for the next; guarded by this. */
    private boolean taken;

    /**
     * Writes the request's bytes now if the connection is idle, as MINA's flush would have.
     *
     * @return {@link Direct#NO} when the caller must queue it the usual way; {@link Direct#WRITTEN}
     *     when every byte went out (its messageSent has been fired); {@link Direct#QUEUED} when the
     *     socket took part or none of it and the rest now waits here: the caller must schedule a flush
     */
    Direct writeNow(NioSession session, WriteRequest request) {
        if (!(request.getMessage() instanceof IoBuffer buffer) || !buffer.hasRemaining()) {
            return Direct.NO;
        }
        int written;
        synchronized (this) {
            if (taken || (queued != null && !queued.isEmpty()) || session.getCurrentWriteRequest() != null
                    || session.isWriteSuspended() || !session.isConnected() || session.isClosing()) {
                return Direct.NO;
            }
            try {
                written = session.getChannel().write(buffer.buf());
            } catch (IOException e) {
                // Nothing was written: MINA's own flush meets the same failure and closes the connection.
                return Direct.NO;
            }
            if (written > 0) {
                // before the rest can be taken: the I/O thread counts what it writes of it
                session.increaseWrittenBytes(written, System.currentTimeMillis());
            }
            if (buffer.hasRemaining()) {
                // MINA would have left it as its current request; as the oldest queued one it is taken first.
                queue().add(request);
            }
        }
        if (buffer.hasRemaining()) {
            return Direct.QUEUED;
        }
        session.getFilterChain().fireMessageSent(request);
        return Direct.WRITTEN;
    }

    /** What {@link #writeNow} did. */
    enum Direct { NO, WRITTEN, QUEUED }

    private ArrayDeque<WriteRequest> queue() {
        if (queued == null) {
            queued = new ArrayDeque<>(4);
        }
        return queued;
    }

    @Override
    public WriteRequest poll(IoSession session) {
        WriteRequest next;
        synchronized (this) {
            next = queued == null ? null : queued.poll();
            taken = next != null;
        }
        if (next == AbstractIoSession.CLOSE_REQUEST) {
            // closeOnFlush: everything before it has been written (as MINA's own queue does)
            session.closeNow();
            dispose(session);
            return null;
        }
        return next;
    }

    @Override
    public synchronized void offer(IoSession session, WriteRequest request) {
        queue().add(request);
    }

    @Override
    public synchronized boolean isEmpty(IoSession session) {
        return queued == null || queued.isEmpty();
    }

    @Override
    public synchronized void clear(IoSession session) {
        if (queued != null) {
            queued.clear();
        }
    }

    @Override
    public void dispose(IoSession session) {
        // nothing held beyond the requests, which MINA fails when it removes the session
    }

    @Override
    public synchronized int size() {
        return queued == null ? 0 : queued.size();
    }

    @Override
    public synchronized String toString() {
        return String.valueOf(queued);
    }

    /** Gives every connection of a service a {@link WriteQueue}; attributes as MINA's default. */
    static final class Factory implements IoSessionDataStructureFactory {
        private final DefaultIoSessionDataStructureFactory defaults = new DefaultIoSessionDataStructureFactory();

        @Override
        public IoSessionAttributeMap getAttributeMap(IoSession session) throws Exception {
            return defaults.getAttributeMap(session);
        }

        @Override
        public WriteRequestQueue getWriteRequestQueue(IoSession session) {
            return new WriteQueue();
        }
    }
}
