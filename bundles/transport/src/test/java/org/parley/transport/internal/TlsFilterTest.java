package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilter.NextFilter;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.DefaultWriteRequest;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.filter.FilterEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter against a client SSLEngine in memory: what it passes up and down, byte for byte. */
class TlsFilterTest {
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    private final DummySession session = new DummySession();
    private final Capture next = new Capture();
    private TlsFilter filter;
    private SSLEngine client;
    private ByteBuffer clientIn;

    @BeforeAll
    static void contexts(@TempDir Path dir) throws Exception {
        // keytool, so the test needs no certificate library; an EC key keeps it quick.
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "secret".toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {new TrustAll()}, null);
    }

    @BeforeEach
    void setUp() throws Exception {
        session.setRemoteAddress(new InetSocketAddress("127.0.0.1", 40000));
        filter = new TlsFilter(peer -> serverContext.createSSLEngine());
        filter.onPreAdd(session.getFilterChain(), "tls", next);
        filter.onPostAdd(session.getFilterChain(), "tls", next);
        client = clientContext.createSSLEngine("localhost", 5223);
        client.setUseClientMode(true);
        client.beginHandshake();
        clientIn = ByteBuffer.allocate(0);
    }

    @Test
    void handshakeSecuresTheSessionAndCarriesDataBothWays() throws Exception {
        assertNull(TlsFilter.sslSession(session));
        handshake(Integer.MAX_VALUE);
        assertNotNull(TlsFilter.sslSession(session));
        assertEquals(client.getSession().getProtocol(), TlsFilter.sslSession(session).getProtocol());

        receive(seal("<presence/>"));
        assertEquals("<presence/>", next.plaintext());
        write("<message/>");
        assertEquals("<message/>", open());
    }

    @Test
    void handshakeFedOneByteAtATime() throws Exception {
        handshake(1);
        assertNotNull(TlsFilter.sslSession(session));
    }

    @Test
    void recordSplitAtEveryByteBoundary() throws Exception {
        handshake(Integer.MAX_VALUE);
        byte[] probe = seal("<iq id='0'/>");
        receive(probe);
        assertEquals("<iq id='0'/>", next.plaintext());
        for (int split = 1; split < probe.length; split++) {
            String text = "<iq id='" + split + "'/>";
            byte[] record = seal(text);
            receive(java.util.Arrays.copyOfRange(record, 0, split));
            assertEquals("", next.plaintext(), "split at " + split);
            assertEquals(split, TlsFilter.heldBytes(session), "the partial record is kept, exactly");
            receive(java.util.Arrays.copyOfRange(record, split, record.length));
            assertEquals(text, next.plaintext(), "split at " + split);
            assertEquals(0, TlsFilter.heldBytes(session));
        }
    }

    @Test
    void severalRecordsAndAPartOfOneInOneRead() throws Exception {
        handshake(Integer.MAX_VALUE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            bytes.write(seal("<r" + i + "/>"));
        }
        byte[] last = seal("<tail/>");
        bytes.write(last, 0, 3);
        receive(bytes.toByteArray());
        assertEquals("<r0/><r1/><r2/><r3/><r4/>", next.plaintext());
        receive(java.util.Arrays.copyOfRange(last, 3, last.length));
        assertEquals("<tail/>", next.plaintext());
    }

    @Test
    void aReadOfSeveralFullRecordsGoesUpInOnePieceInTheThreadsOwnBuffer() throws Exception {
        handshake(Integer.MAX_VALUE);
        String[] texts = new String[4];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = String.valueOf((char) ('a' + i)).repeat(16 * 1024);
        }
        receive(seal(texts));
        assertEquals(String.join("", texts), next.plaintext());
        assertEquals(1, next.arrays.size(), "one read, one plaintext");
        // Another such read: its plaintext comes in the same array, not a copy made for each read.
        receive(seal(texts));
        assertEquals(String.join("", texts), next.plaintext());
        assertEquals(2, next.arrays.size());
        assertSame(next.arrays.get(0), next.arrays.get(1));
    }

    @Test
    void aReadLongerThanTheLentBufferStillGoesUpWholeAndInOrder() throws Exception {
        handshake(Integer.MAX_VALUE);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; expected.length() <= 2 * TlsFilter.MAX_LENT_PLAINTEXT; i++) {
            String text = String.valueOf((char) ('a' + i % 26)).repeat(16 * 1024 - i);
            expected.append(text);
            read.write(seal(text));
        }
        // And the start of one more record, kept for the next read.
        byte[] tail = seal("<tail/>");
        read.write(tail, 0, 7);
        receive(read.toByteArray());
        assertEquals(expected.toString(), next.plaintext());
        assertTrue(next.arrays.size() > 1, "past the limit the rest goes up in copies");
        receive(java.util.Arrays.copyOfRange(tail, 7, tail.length));
        assertEquals("<tail/>", next.plaintext());
    }

    @Test
    void aPlaintextIsIntactWhileTheLayerAboveReceivesMoreOnTheSameThread() throws Exception {
        handshake(Integer.MAX_VALUE);
        byte[] first = seal("<first/>");
        byte[] second = seal("<second/>");
        next.duringNextDelivery = () -> {
            try {
                receive(second);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        receive(first);
        assertEquals("<first/><second/>", next.plaintext());
        // Back outside any delivery, the thread's buffer is lent again.
        receive(seal("<third/>"));
        receive(seal("<fourth/>"));
        assertEquals("<third/><fourth/>", next.plaintext());
        assertSame(next.arrays.get(2), next.arrays.get(3));
    }

    @Test
    void aDecryptedReadGoesBackToThePoolForTheNextRead() throws Exception {
        handshake(Integer.MAX_VALUE);
        ReadBuffers.install();
        try {
            byte[] record = seal("<message/>");
            IoBuffer read = IoBuffer.allocate(4096);
            byte[] array = read.array();
            read.put(record).flip();
            filter.messageReceived(next, session, read);
            assertEquals("<message/>", next.plaintext());
            IoBuffer probe = IoBuffer.allocate(4096);
            assertSame(array, probe.array(), "the next read of that size on this thread gets the buffer back");
            probe.free();
            // A record split across two reads: the start is copied, so the first read is free at once.
            byte[] split = seal("<presence/>");
            IoBuffer first = IoBuffer.allocate(4096);
            first.put(split, 0, 9).flip();
            filter.messageReceived(next, session, first);
            IoBuffer second = IoBuffer.allocate(4096);
            assertSame(array, second.array());
            second.put(split, 9, split.length - 9).flip();
            filter.messageReceived(next, session, second);
            assertEquals("<presence/>", next.plaintext());
        } finally {
            ReadBuffers.uninstall();
        }
    }

    @Test
    void largeWriteBecomesSeveralRecordsAndTheLastCarriesTheRequest() throws Exception {
        handshake(Integer.MAX_VALUE);
        String big = "x".repeat(40_000);
        DefaultWriteRequest request = new DefaultWriteRequest(IoBuffer.wrap(big.getBytes(StandardCharsets.UTF_8)));
        int before = next.written.size();
        filter.filterWrite(next, session, request);
        assertTrue(next.written.size() - before >= 3);
        WriteRequest last = next.written.get(next.written.size() - 1);
        assertSame(request, last.getOriginalRequest());
        assertSame(request.getFuture(), last.getFuture());
        filter.messageSent(next, session, last);
        assertSame(request, next.sent.get(next.sent.size() - 1));
        assertEquals(big, open());
    }

    @Test
    void writesBeforeTheHandshakeWaitAndLeaveInOrderAfterIt() throws Exception {
        write("<early1/>");
        write("<early2/>");
        assertTrue(TlsFilter.heldBytes(session) > 0);
        handshake(Integer.MAX_VALUE);
        assertEquals("<early1/><early2/>", open());
        assertEquals(0, TlsFilter.heldBytes(session));
    }

    @Test
    void writesFromTwoThreadsKeepTheirOrder() throws Exception {
        handshake(Integer.MAX_VALUE);
        int count = 2000;
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] writers = new Thread[2];
        for (int t = 0; t < writers.length; t++) {
            String name = t == 0 ? "a" : "b";
            writers[t] = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < count; i++) {
                        write("<" + name + " n='" + i + "'/>");
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            writers[t].start();
        }
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        // The client unwraps the records in the order they were passed down: any reordering
        // would fail its record MAC check, and each writer's own order must hold.
        String all = open();
        int nextA = 0;
        int nextB = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([ab]) n='(\\d+)'/>").matcher(all);
        while (m.find()) {
            int n = Integer.parseInt(m.group(2));
            if (m.group(1).equals("a")) {
                assertEquals(nextA++, n);
            } else {
                assertEquals(nextB++, n);
            }
        }
        assertEquals(count, nextA);
        assertEquals(count, nextB);
    }

    @Test
    void idleSessionHoldsNoBuffers() throws Exception {
        handshake(Integer.MAX_VALUE);
        receive(seal("<a/>"));
        write("<b/>");
        assertEquals(0, TlsFilter.heldBytes(session));
        // Only the engine is kept: no ByteBuffer or IoBuffer in the state's fields.
        Object state = session.getAttribute(session.getAttributeKeys().stream()
                .filter(k -> k.toString().contains("TlsFilter")).findFirst().orElseThrow());
        for (java.lang.reflect.Field field : state.getClass().getDeclaredFields()) {
            field.setAccessible(true);
            Object value = field.get(state);
            assertTrue(!(value instanceof ByteBuffer) && !(value instanceof IoBuffer) && !(value instanceof java.util.Collection),
                    field.getName() + " holds " + value);
        }
    }

    @Test
    void closeNotifyLeavesAfterTheLastWrite() throws Exception {
        handshake(Integer.MAX_VALUE);
        write("</stream:stream>");
        TlsFilter.closeNotify(session);
        assertEquals("</stream:stream>", open());
        assertTrue(client.isInboundDone(), "the client saw close_notify");
    }

    // ---- driving the two engines ----

    /** Runs the handshake, feeding the server's filter chunks of at most {@code chunk} bytes. */
    private void handshake(int chunk) throws Exception {
        ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        for (int round = 0; round < 100; round++) {
            HandshakeStatus status = client.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = client.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (status == HandshakeStatus.NEED_WRAP) {
                net.clear();
                client.wrap(ByteBuffer.allocate(0), net);
                net.flip();
                byte[] bytes = new byte[net.remaining()];
                net.get(bytes);
                int step = Math.min(chunk, bytes.length);
                for (int i = 0; i < bytes.length; i += step) {
                    receive(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + step)));
                }
            } else if (status == HandshakeStatus.NEED_UNWRAP) {
                appendFromServer();
                if (!clientIn.hasRemaining() && TlsFilter.sslSession(session) != null) {
                    break;
                }
                app.clear();
                SSLEngineResult result = client.unwrap(clientIn, app);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    throw new AssertionError("the server sent an incomplete flight");
                }
            } else if (TlsFilter.sslSession(session) != null) {
                break;
            }
        }
        assertNotNull(TlsFilter.sslSession(session), "handshake completed");
    }

    private void receive(byte[] bytes) throws Exception {
        filter.messageReceived(next, session, IoBuffer.wrap(bytes));
    }

    private void write(String text) throws Exception {
        filter.filterWrite(next, session, new DefaultWriteRequest(IoBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** The texts sealed by the client one after the other, as one read would bring them. */
    private byte[] seal(String... texts) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (String text : texts) {
            read.write(seal(text));
        }
        return read.toByteArray();
    }

    /** The text sealed by the client, in as many records as the engine makes of it. */
    private byte[] seal(String text) throws Exception {
        ByteBuffer plain = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult result = client.wrap(plain, net);
            assertEquals(SSLEngineResult.Status.OK, result.getStatus());
            records.write(net.array(), 0, net.position());
        } while (plain.hasRemaining());
        return records.toByteArray();
    }

    /** Everything the server has passed down since the last call, decrypted by the client. */
    private String open() throws Exception {
        appendFromServer();
        ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        StringBuilder text = new StringBuilder();
        while (clientIn.hasRemaining() && !client.isInboundDone()) {
            app.clear();
            SSLEngineResult result = client.unwrap(clientIn, app);
            assertEquals(SSLEngineResult.Status.OK == result.getStatus() || SSLEngineResult.Status.CLOSED == result.getStatus(), true,
                    result.toString());
            app.flip();
            text.append(StandardCharsets.UTF_8.decode(app));
        }
        return text.toString();
    }

    private void appendFromServer() {
        List<WriteRequest> fresh = next.drain();
        int size = clientIn.remaining();
        for (WriteRequest request : fresh) {
            size += ((IoBuffer) request.getMessage()).remaining();
        }
        ByteBuffer joined = ByteBuffer.allocate(size);
        joined.put(clientIn);
        for (WriteRequest request : fresh) {
            joined.put(((IoBuffer) request.getMessage()).buf().duplicate());
        }
        joined.flip();
        clientIn = joined;
    }

    /** The filter below: records what the TLS filter passes on in either direction. */
    private static final class Capture implements NextFilter {
        final List<WriteRequest> written = new ArrayList<>();
        final List<WriteRequest> sent = new ArrayList<>();
        private int drained;
        private final StringBuilder received = new StringBuilder();

        synchronized List<WriteRequest> drain() {
            List<WriteRequest> fresh = new ArrayList<>(written.subList(drained, written.size()));
            drained = written.size();
            return fresh;
        }

        synchronized String plaintext() {
            String text = received.toString();
            received.setLength(0);
            return text;
        }

        @Override
        public synchronized void filterWrite(IoSession session, WriteRequest writeRequest) {
            written.add(writeRequest);
        }

        /** The backing array of each plaintext passed up, in order. */
        final List<byte[]> arrays = new ArrayList<>();
        /** Runs inside the next delivery, after its text was read, then is forgotten. */
        Runnable duringNextDelivery;

        @Override
        public synchronized void messageReceived(IoSession session, Object message) {
            IoBuffer buffer = (IoBuffer) message;
            arrays.add(buffer.array());
            String text = StandardCharsets.UTF_8.decode(buffer.buf().duplicate()).toString();
            received.append(text);
            Runnable during = duringNextDelivery;
            duringNextDelivery = null;
            if (during != null) {
                during.run();
                assertEquals(text, StandardCharsets.UTF_8.decode(buffer.buf()).toString(),
                        "a plaintext is intact until its delivery returns, whatever the layer above did meanwhile");
            }
        }

        @Override
        public synchronized void messageSent(IoSession session, WriteRequest writeRequest) {
            sent.add(writeRequest);
        }

        @Override
        public void sessionCreated(IoSession session) {
        }

        @Override
        public void sessionOpened(IoSession session) {
        }

        @Override
        public void sessionClosed(IoSession session) {
        }

        @Override
        public void sessionIdle(IoSession session, IdleStatus status) {
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            throw new AssertionError(cause);
        }

        @Override
        public void inputClosed(IoSession session) {
        }

        @Override
        public void filterClose(IoSession session) {
        }

        @Override
        public void event(IoSession session, FilterEvent event) {
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
