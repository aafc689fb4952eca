package org.parley.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.osgi.framework.Constants;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.connection.StreamHeader;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.TestServerInfo;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;

/**
 * A session core for tests: its executors run on the calling thread (so a test sees each event's
 * effect when the call returns, unless something it waits for is held), a recording router, a
 * scripted PLAIN mechanism, and an in-memory state handoff shared with a successor core.
 */
final class CoreFixture implements AutoCloseable {
    static final String DOMAIN = "example.org";

    final FakeRouter router = new FakeRouter();
    final TestStateHandoff handoff;
    final SessionCore core;
    /** The next SASL step PLAIN answers with; null answers success for the user in the response. */
    volatile CompletionStage<SaslStep> nextStep;

    CoreFixture() {
        this(SessionSettings.DEFAULTS);
    }

    CoreFixture(SessionSettings settings) {
        this(settings, new TestStateHandoff());
    }

    CoreFixture(SessionSettings settings, TestStateHandoff handoff) {
        this.handoff = handoff;
        this.core = new SessionCore(null, settings, server(), handoff, new Direct());
        core.addMechanism(new ScriptedPlain(), Map.of(Constants.SERVICE_RANKING, 0, Constants.SERVICE_ID, 1L));
        core.setRouter(router);
        router.use(core);
    }

    static SessionSettings settings(boolean requireTls, int maxAuthAttempts, int authTimeoutSeconds, int resumptionTimeoutSeconds) {
        SessionSettings d = SessionSettings.DEFAULTS;
        return new SessionSettings(requireTls, authTimeoutSeconds, maxAuthAttempts, 1000, resumptionTimeoutSeconds,
                d.maxUnackedStanzas(), d.maxPendingElements());
    }

    static ServerInfo server() {
        DomainBareJid domain = JidCreate.domainBareFromOrThrowUnchecked(DOMAIN);
        return new TestServerInfo(domain);
    }

    static StreamHeader header() {
        return new StreamHeader(DOMAIN, null, "1.0", "en", null, Namespaces.CLIENT, Namespaces.STREAM);
    }

    static Element auth(String user) {
        String initial = Base64.getEncoder().encodeToString(("\0" + user + "\0secret").getBytes(StandardCharsets.UTF_8));
        return Element.builder("auth", Namespaces.SASL).attribute("mechanism", "PLAIN").text(initial).build();
    }

    static Element bind(String resource) {
        Element.Builder bind = Element.builder("bind", Namespaces.BIND);
        if (resource != null) {
            bind.textChild("resource", resource);
        }
        return Element.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "b1").child(bind.build()).build();
    }

    static Element message(String to, String id) {
        return Element.builder("message", Namespaces.CLIENT).attribute("to", to).attribute("type", "chat").attribute("id", id)
                .child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).build();
    }

    static Element presence() {
        return Element.builder("presence", Namespaces.CLIENT).build();
    }

    static Element sm(String name) {
        return Element.empty(name, Namespaces.SM);
    }

    private final Map<FakeConnection, ClientStream> streams = new java.util.concurrent.ConcurrentHashMap<>();

    ClientStream connect(FakeConnection c) {
        ClientStream s = (ClientStream) core.connected(c);
        streams.put(c, s);
        return s;
    }

    /** The stream handler the core gave a connection. */
    ClientStream connectionOf(FakeConnection c) {
        return streams.get(c);
    }

    /** A stream past TLS and PLAIN as {@code user}, with the post-authentication header sent. */
    ClientStream authenticated(FakeConnection c, String user) {
        ClientStream s = connect(c);
        s.streamOpened(header());
        if (!c.isSecure()) {
            s.element(Element.empty("starttls", Namespaces.TLS));
            s.streamOpened(header());
        }
        s.element(auth(user));
        s.streamOpened(header());
        return s;
    }

    /** A stream bound to {@code user@example.org/resource}, available. */
    ClientStream bound(FakeConnection c, String user, String resource) {
        ClientStream s = authenticated(c, user);
        s.element(bind(resource));
        s.element(presence());
        return s;
    }

    @Override
    public void close() {
        core.deactivate(true);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("condition not met within 5 s");
        }
    }

    /** PLAIN that accepts anyone, or answers the scripted step. */
    private final class ScriptedPlain implements SaslMechanism {
        @Override
        public String name() {
            return "PLAIN";
        }

        @Override
        public boolean isOffered(SaslContext context) {
            return context.isSecure();
        }

        @Override
        public SaslNegotiation start(SaslContext context) {
            return response -> {
                CompletionStage<SaslStep> scripted = nextStep;
                if (scripted != null) {
                    return scripted;
                }
                String user = new String(response, StandardCharsets.UTF_8).split("\0")[1];
                return CompletableFuture.completedFuture(new SaslStep.Success(null, user));
            };
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
