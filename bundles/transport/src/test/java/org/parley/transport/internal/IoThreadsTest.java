package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.junit.jupiter.api.Test;

/**
 * Reading paused on the I/O thread and resumed from another, at every byte, while the I/O thread
 * flushes an answer: the pattern of STARTTLS and of the session core's back-pressure. With MINA's
 * own processor pool each resume waits for the selector's next wake-up (up to a second), and now
 * and then one is lost and the connection is never read again (one of six connections within 300
 * round trips, when this was written); with {@link IoThreads} every round trip completes.
 */
class IoThreadsTest {
    static final int CLIENTS = 6;
    static final int ROUND_TRIPS = 3_000;

    @Test
    void aResumeFromAnotherThreadIsNeverLostWhileTheIoThreadFlushes() throws Exception {
        IoThreads threads = new IoThreads(2);
        NioSocketAcceptor acceptor = new NioSocketAcceptor(threads);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void messageReceived(IoSession session, Object message) {
                IoBuffer in = (IoBuffer) message;
                int bytes = in.remaining();
                in.skip(bytes);
                session.suspendRead();
                session.write(IoBuffer.wrap(new byte[bytes]));
                workers.execute(session::resumeRead);
            }
        });
        acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = acceptor.getLocalAddress().getPort();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> stalls = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                stalls.add(clients.submit(() -> roundTrips(port)));
            }
            int stalled = 0;
            for (Future<Integer> f : stalls) {
                stalled += f.get();
            }
            assertEquals(0, stalled, "connections whose reading was never resumed");
        } finally {
            clients.shutdownNow();
            acceptor.unbind();
            acceptor.dispose(true);
            threads.dispose();
            workers.shutdownNow();
        }
    }

    /** @return 1 when the server stopped reading this connection, else 0 */
    private static int roundTrips(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < ROUND_TRIPS; i++) {
                out.write(i);
                out.flush();
                try {
                    if (in.read() < 0) {
                        return 1;
                    }
                } catch (SocketTimeoutException e) {
                    return 1;
                }
            }
            return 0;
        }
    }
}
