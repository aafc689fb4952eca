package org.parley.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jxmpp.JxmppContext;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.connection.StreamHandler;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.stanza.Element;
import org.parley.benchmarks.ChatMessage;
import org.parley.jid.internal.PrecisStringprepInstaller;
import org.parley.routing.internal.RoutingAccess;
import org.parley.xml.XmlStreamException;

/**
 * Server CPU per chat message delivered between two local sessions, TLS aside: alice's bound
 * stream receives the message, the session core checks and stamps 'from', routing finds the
 * addressee's session, and bob's outbound queue serializes the stanza (the bytes MINA would be
 * handed). The real session core and routing bundles run over in-memory connections; the
 * sessions were opened with the same bytes a client sends.
 *
 * <p>{@code recipients} is how many bob sessions alice writes to in turn. With 1 every address
 * is in jxmpp's JID caches; with 1000 they are not (the caches hold 100 entries), so each message
 * pays for parsing and PRECIS-preparing its 'to', as on a server with many users.
 *
 * <p>{@code threads}: {@code direct} runs the session executors on the calling thread, which
 * measures the work itself (compare with the router before the split); {@code pool} runs them on
 * the core's own pool as the server does, and each operation waits until bob's bytes are written,
 * so it measures the latency a message sees including the hand-off off the I/O thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RoutingBenchmark {
    static final String DOMAIN = "localhost";
    static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='" + DOMAIN + "' version='1.0' xml:lang='en'>";

    static {
        // What the jid bundle does in the server: jxmpp's default preparation only lowercases.
        JxmppContext.setDefaultXmppStringprep(new PrecisStringprepInstaller());
    }

    static final int BURST = 64;

    @Param({"1", "1000"})
    public int recipients;

    @Param({"direct", "pool"})
    public String threads;

    /**
     * Pass-through interceptors bound in routing, each seeing the message outbound and inbound and
     * answering at once, as most of the server's do (blocking, carbons): the chain's own cost.
     */
    @Param({"0", "2"})
    public int interceptors;

    private SessionCore core;
    private StanzaRouter router;
    private MemoryConnection alice;
    private StreamHandler aliceStream;
    private MemoryConnection[] bobs;
    /** Per recipient: the message as parsed from alice's stream, to the full and to the bare JID, and its bytes. */
    private Element[] toFullJid;
    private Element[] toBareJid;
    private byte[][] toFullJidBytes;
    private int next;

    @Setup
    public void setUp() throws Exception {
        ServerInfo server = server();
        core = new SessionCore(null, SessionSettings.DEFAULTS, server, new NoHandoff(), "direct".equals(threads) ? new Direct() : null);
        core.addMechanism(new AnyPlain(), Map.of());
        router = RoutingAccess.router(server);
        core.setRouter(router);
        for (int i = 0; i < interceptors; i++) {
            RoutingAccess.addInterceptor(router, "pass-" + i, (stanza, interception) -> CompletableFuture.completedFuture(InterceptResult.proceed(stanza)));
        }
        RoutingAccess.bindSessions(router, core);
        alice = connect("alice", "phone");
        aliceStream = alice.handler();
        bobs = new MemoryConnection[recipients];
        toFullJid = new Element[recipients];
        toBareJid = new Element[recipients];
        toFullJidBytes = new byte[recipients][];
        for (int i = 0; i < recipients; i++) {
            String bob = "bob" + i + "@" + DOMAIN;
            bobs[i] = connect("bob" + i, "r");
            toFullJid[i] = ChatMessage.element(ChatMessage.addressedTo(bob + "/r"));
            toBareJid[i] = ChatMessage.element(ChatMessage.addressedTo(bob));
            toFullJidBytes[i] = ChatMessage.addressedTo(bob + "/r").getBytes(StandardCharsets.UTF_8);
        }
        // Each path must end in bob's connection with the stamped 'from', or there is nothing to measure.
        for (int i = 0; i < recipients; i++) {
            int r = i;
            expectDelivered(r, () -> aliceStream.element(toFullJid[r]));
            expectDelivered(r, () -> aliceStream.element(toBareJid[r]));
            expectDelivered(r, () -> alice.receive(toFullJidBytes[r]));
        }
    }

    @TearDown
    public void tearDown() {
        if (alice.closed) {
            throw new IllegalStateException("alice's stream was closed during the run: " + alice.error);
        }
        core.deactivate(true);
        RoutingAccess.stop(router);
    }

    /** The stanza already parsed (as the transport hands it over), to bob's full JID. */
    @Benchmark
    public long fullJid() {
        int i = advance();
        long before = bobs[i].bytesWritten;
        aliceStream.element(toFullJid[i]);
        return awaitWrite(bobs[i], before);
    }

    /**
     * A burst of messages to bob's full JID, waiting only for the last: with {@code pool} the
     * session threads stay busy as under load, so this is the cost per message of the hand-offs
     * amortized, where {@link #fullJid} waits for each message alone (its latency).
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long fullJidBurst() {
        int i = advance();
        MemoryConnection bob = bobs[i];
        long before = bob.messagesWritten;
        for (int k = 0; k < BURST; k++) {
            aliceStream.element(toFullJid[i]);
        }
        while (bob.messagesWritten - before < BURST) {
            Thread.onSpinWait();
        }
        return bob.messagesWritten;
    }

    /** To bob's bare JID: routing picks his available resource of highest priority (RFC 6121 8.5.2). */
    @Benchmark
    public long bareJid() {
        int i = advance();
        long before = bobs[i].bytesWritten;
        aliceStream.element(toBareJid[i]);
        return awaitWrite(bobs[i], before);
    }

    /** From the bytes alice's stream receives (after TLS) to the bytes written to bob's. */
    @Benchmark
    public long parseRouteSerialize() throws XmlStreamException {
        int i = advance();
        long before = bobs[i].bytesWritten;
        alice.receive(toFullJidBytes[i]);
        return awaitWrite(bobs[i], before);
    }

    /** With the direct executor the write has happened on return; with the pool, wait for it. */
    private static long awaitWrite(MemoryConnection bob, long before) {
        long now;
        while ((now = bob.bytesWritten) == before) {
            Thread.onSpinWait();
        }
        return now;
    }

    private int advance() {
        int i = next;
        next = i + 1 == recipients ? 0 : i + 1;
        return i;
    }

    /** A session opened as a client opens one: header, PLAIN, new header, bind, initial presence. */
    private MemoryConnection connect(String user, String resource) throws Exception {
        MemoryConnection c = new MemoryConnection(user + "-connection");
        c.attach(core.connected(c));
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0secret").getBytes(StandardCharsets.UTF_8));
        c.receive(HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
        awaitQuiet(c);
        c.receive(HEADER + "<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                + resource + "</resource></bind></iq>");
        c.receive("<presence/>");
        EntityFullJid jid = JidCreate.entityFullFrom(user + "@" + DOMAIN + "/" + resource);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((core.session(jid) == null || !core.session(jid).isAvailable()) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (c.closed || core.session(jid) == null) {
            throw new IllegalStateException(user + " did not get a session: " + c.error + " " + c.lastWrittenText());
        }
        return c;
    }

    /** SASL success resets the parser: wait until it went out before sending the next header. */
    private static void awaitQuiet(MemoryConnection c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.lastWrittenText().contains("success") && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private interface Send {
        void run() throws XmlStreamException;
    }

    private void expectDelivered(int recipient, Send send) throws Exception {
        MemoryConnection bob = bobs[recipient];
        long before = bob.bytesWritten;
        send.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (bob.bytesWritten == before && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        String written = bob.lastWrittenText();
        if (bob.bytesWritten == before || !written.contains("from='alice@" + DOMAIN + "/phone'") || !written.contains("<body>")) {
            throw new IllegalStateException("bob" + recipient + " did not get the message; last written: " + written);
        }
    }

    static ServerInfo server() throws Exception {
        DomainBareJid domain = JidCreate.domainBareFrom(DOMAIN);
        return new ServerInfo() {
            @Override
            public DomainBareJid domain() {
                return domain;
            }

            @Override
            public String productName() {
                return "Parley";
            }

            @Override
            public String version() {
                return "benchmark";
            }
        };
    }

    /** Accepts any PLAIN credentials: authentication is measured by the SCRAM benchmark, not here. */
    static final class AnyPlain implements SaslMechanism {
        @Override
        public String name() {
            return "PLAIN";
        }

        @Override
        public boolean isOffered(SaslContext context) {
            return true;
        }

        @Override
        public SaslNegotiation start(SaslContext context) {
            return response -> {
                String user = new String(response, StandardCharsets.UTF_8).split("\0")[1];
                return CompletableFuture.completedFuture(new SaslStep.Success(null, user));
            };
        }
    }

    /** Nothing to hand over: a fresh core. */
    static final class NoHandoff implements StateHandoff {
        @Override
        public void deposit(String key, Map<String, Object> snapshot) {
        }

        @Override
        public Optional<Map<String, Object>> take(String key) {
            return Optional.empty();
        }
    }

    /** Runs every task on the thread that submits it. */
    static final class Direct extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
