package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.WriteFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.junit.jupiter.api.Test;

/**
 * Writes made by other threads than the I/O thread, some put on the socket by the writer itself and
 * some queued behind a reader that stopped reading: each writer's records arrive whole and in its
 * order, every write's future completes, and the bytes MINA counts as scheduled go back to zero.
 */
class WriteQueueTest {
    static final int WRITERS = 4;
    static final int RECORDS = 3_000;
    static final int RECORD = 512;

    @Test
    void concurrentWritersToAReaderThatPausesKeepEachWritersOrderAndLoseNothing() throws Exception {
        IoThreads threads = new IoThreads(2);
        NioSocketAcceptor acceptor = new NioSocketAcceptor(threads);
        acceptor.setSessionDataStructureFactory(new WriteQueue.Factory());
        acceptor.getSessionConfig().setSendBufferSize(8 * 1024);
        AtomicReference<IoSession> accepted = new AtomicReference<>();
        CountDownLatch opened = new CountDownLatch(1);
        AtomicLong sentEvents = new AtomicLong();
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void sessionOpened(IoSession session) {
                accepted.set(session);
                opened.countDown();
            }

            @Override
            public void messageSent(IoSession session, Object message) {
                sentEvents.incrementAndGet();
            }
        });
        acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", acceptor.getLocalAddress().getPort()));
            assertTrue(opened.await(5, TimeUnit.SECONDS));
            IoSession session = accepted.get();
            List<Future<WriteFuture>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    WriteFuture last = null;
                    for (int i = 0; i < RECORDS; i++) {
                        ByteBuffer record = ByteBuffer.allocate(RECORD);
                        record.putInt(writer).putInt(i);
                        while (record.hasRemaining()) {
                            record.put((byte) (writer * 31 + i));
                        }
                        record.flip();
                        last = session.write(IoBuffer.wrap(record));
                        if (i % 500 == 0) {
                            Thread.sleep(2); // the reader may catch up: the next writes go direct again
                        }
                    }
                    return last;
                }));
            }
            // Read nothing for a while: the socket's buffers fill and later writes queue.
            long deadlineQueued = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (session.getScheduledWriteBytes() < 256 * 1024 && System.nanoTime() < deadlineQueued) {
                Thread.sleep(5);
            }
            assertTrue(session.getScheduledWriteBytes() >= 256 * 1024, "writes queued behind the stalled reader");
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int[] next = new int[WRITERS];
            byte[] body = new byte[RECORD - 8];
            for (int n = 0; n < WRITERS * RECORDS; n++) {
                int writer = in.readInt();
                int index = in.readInt();
                in.readFully(body);
                assertEquals(next[writer], index, "writer " + writer + "'s records out of order");
                next[writer]++;
                for (byte b : body) {
                    assertEquals((byte) (writer * 31 + index), b, "record " + index + " of writer " + writer + " damaged");
                }
            }
            for (Future<WriteFuture> f : done) {
                assertTrue(f.get(10, TimeUnit.SECONDS).awaitUninterruptibly(5_000), "the last write's future completes");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((session.getScheduledWriteBytes() != 0 || sentEvents.get() != WRITERS * RECORDS) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, session.getScheduledWriteBytes(), "bytes still counted as waiting");
            assertEquals(WRITERS * RECORDS, sentEvents.get(), "messageSent events");
            assertEquals((long) WRITERS * RECORDS * RECORD, session.getWrittenBytes());
        } finally {
            writers.shutdownNow();
            acceptor.unbind();
            acceptor.dispose(true);
            threads.dispose();
        }
    }
}
