package org.parley.router.internal;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jxmpp.JxmppContext;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslService;
import org.parley.api.auth.SaslStep;
import org.parley.api.stanza.Element;
import org.parley.benchmarks.ChatMessage;
import org.parley.jid.internal.PrecisStringprepInstaller;
import org.parley.xml.XmlStreamException;

/**
 * Server CPU per chat message delivered between two local sessions, TLS aside: alice's bound
 * stream receives the message, the router checks and stamps 'from', finds the addressee's
 * session and its connection serializes the stanza (the bytes MINA would be handed). The real
 * router (StreamRouter, ClientStream, StanzaDelivery, SessionTable) runs over in-memory
 * connections; the sessions were opened with the same bytes a client sends.
 *
 * <p>{@code recipients} is how many bob sessions alice writes to in turn. With 1 every address
 * is in jxmpp's JID caches; with 1000 they are not (the caches hold 100 entries), so each
 * message pays for parsing and PRECIS-preparing its 'to', as on a server with many users.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RoutingBenchmark {
    private static final String DOMAIN = "localhost";
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='" + DOMAIN + "' version='1.0' xml:lang='en'>";

    static {
        // What the jid bundle does in the server: jxmpp's default preparation only lowercases.
        JxmppContext.setDefaultXmppStringprep(new PrecisStringprepInstaller());
    }

    @Param({"1", "1000"})
    public int recipients;

    private StreamRouter router;
    private MemoryConnection alice;
    private ClientStream aliceStream;
    private MemoryConnection[] bobs;
    /** Per recipient: the message as parsed from alice's stream, to the full and to the bare JID, and its bytes. */
    private Element[] toFullJid;
    private Element[] toBareJid;
    private byte[][] toFullJidBytes;
    private int next;

    @Setup
    public void setUp() throws XmlStreamException {
        router = new StreamRouter("benchmark", serverConfig(), routerConfig());
        router.setSasl(new AnyPlain());
        alice = connect("alice", "phone");
        aliceStream = (ClientStream) router.session(jid("alice@" + DOMAIN + "/phone"));
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
        router.deactivate();
    }

    /** The stanza already parsed (as the transport hands it over), to bob's full JID. */
    @Benchmark
    public long fullJid() {
        int i = advance();
        aliceStream.element(toFullJid[i]);
        return bobs[i].bytesWritten;
    }

    /** To bob's bare JID: the router picks his available resource of highest priority (RFC 6121 8.5.2). */
    @Benchmark
    public long bareJid() {
        int i = advance();
        aliceStream.element(toBareJid[i]);
        return bobs[i].bytesWritten;
    }

    /** From the bytes alice's stream receives (after TLS) to the bytes written to bob's. */
    @Benchmark
    public long parseRouteSerialize() throws XmlStreamException {
        int i = advance();
        alice.receive(toFullJidBytes[i]);
        return bobs[i].bytesWritten;
    }

    private int advance() {
        int i = next;
        next = i + 1 == recipients ? 0 : i + 1;
        return i;
    }

    /** A session opened as a client opens one: header, PLAIN, new header, bind, initial presence. */
    private MemoryConnection connect(String user, String resource) throws XmlStreamException {
        MemoryConnection c = new MemoryConnection(user + "-connection");
        c.attach(router.connected(c));
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0secret").getBytes(StandardCharsets.UTF_8));
        c.receive(HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
        c.receive(HEADER + "<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                + resource + "</resource></bind></iq>");
        c.receive("<presence/>");
        if (c.closed || router.session(jid(user + "@" + DOMAIN + "/" + resource)) == null) {
            throw new IllegalStateException(user + " did not get a session: " + c.error + " " + c.lastWrittenText());
        }
        return c;
    }

    private interface Send {
        void run() throws XmlStreamException;
    }

    private void expectDelivered(int recipient, Send send) throws XmlStreamException {
        MemoryConnection bob = bobs[recipient];
        long before = bob.bytesWritten;
        send.run();
        String written = bob.lastWrittenText();
        if (bob.bytesWritten == before || !written.contains("from='alice@" + DOMAIN + "/phone'") || !written.contains("<body>")) {
            throw new IllegalStateException("bob" + recipient + " did not get the message; last written: " + written);
        }
    }

    private static EntityFullJid jid(String jid) {
        return JidCreate.entityFullFromOrThrowUnchecked(jid);
    }

    /** Accepts any PLAIN credentials: authentication is measured by the SCRAM benchmark, not here. */
    private static final class AnyPlain implements SaslService {
        @Override
        public List<String> mechanisms(SaslContext context) {
            return List.of("PLAIN");
        }

        @Override
        public SaslNegotiation start(String mechanism, SaslContext context) {
            if (!"PLAIN".equals(mechanism)) {
                return null;
            }
            return response -> {
                String user = new String(response, StandardCharsets.UTF_8).split("\0")[1];
                return CompletableFuture.completedFuture(new SaslStep.Success(null, user));
            };
        }
    }

    private static ServerConfig serverConfig() {
        return new ServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ServerConfig.class;
            }

            @Override
            public String domain() {
                return DOMAIN;
            }
        };
    }

    /** The defaults of {@link RouterConfig}. */
    private static RouterConfig routerConfig() {
        return new RouterConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RouterConfig.class;
            }

            @Override
            public boolean requireTls() {
                return true;
            }

            @Override
            public long handlerGraceMillis() {
                return 5000;
            }

            @Override
            public int authTimeoutSeconds() {
                return 60;
            }

            @Override
            public int maxAuthAttempts() {
                return 5;
            }
        };
    }
}
