package org.parley.im.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor.Direction;
import org.parley.api.routing.StanzaInterceptor.Interception;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.ClientSoftware;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.im.TestServer;

class ClientVersionsTest {
    private final Handoff handoff = new Handoff();
    private ClientVersions versions = new ClientVersions(TestServer.INSTANCE, handoff, config(true, 30));

    @AfterEach
    void stop() {
        versions.deactivate();
    }

    /** An in-memory handoff: what one deposits, the next takes. */
    static final class Handoff implements StateHandoff {
        final Map<String, Map<String, Object>> kept = new HashMap<>();

        @Override
        public void deposit(String key, Map<String, Object> snapshot) {
            kept.put(key, snapshot);
        }

        @Override
        public Optional<Map<String, Object>> take(String key) {
            return Optional.ofNullable(kept.remove(key));
        }
    }

    static ClientVersionConfig config(boolean ask, int timeout) {
        return new ClientVersionConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ClientVersionConfig.class;
            }

            @Override
            public boolean askClients() {
                return ask;
            }

            @Override
            public int timeoutSeconds() {
                return timeout;
            }
        };
    }

    private static TestSession session(String resource) {
        return new TestSession("s-" + resource, "alice@example.org/" + resource, Instant.EPOCH).available(0);
    }

    private static Stanza question(TestSession s) {
        List<Stanza> iqs = s.received("iq", "get");
        assertEquals(1, iqs.size(), "asked once: " + s.received);
        return iqs.get(0);
    }

    private static Stanza answer(Stanza question, String from, String to, Element query) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", question.id())
                .attribute("from", from);
        if (to != null) {
            b.attribute("to", to);
        }
        if (query != null) {
            b.child(query);
        }
        return Stanza.create(b.build());
    }

    private static Element query(String name, String version, String os) {
        Element.Builder q = Element.builder("query", VersionHandler.NAMESPACE);
        if (name != null) {
            q.textChild("name", name);
        }
        if (version != null) {
            q.textChild("version", version);
        }
        if (os != null) {
            q.textChild("os", os);
        }
        return q.build();
    }

    private InterceptResult intercept(Stanza iq, TestSession origin) {
        return versions.intercept(iq, new Interception(Direction.OUTBOUND, origin.bareJid(), origin)).toCompletableFuture().join();
    }

    @Test
    void aClientIsAskedOnceFromTheDomainAndItsAnswerIsKeptAndTaken() {
        TestSession s = session("laptop");
        versions.available(s, null);
        versions.available(s, null); // available again after being unavailable: not asked again
        Stanza q = question(s);
        assertEquals("example.org", q.from().toString());
        assertEquals("alice@example.org/laptop", q.to().toString());
        assertTrue(q.payload().is("query", VersionHandler.NAMESPACE));
        assertTrue(q.id().startsWith(ClientVersions.ID_PREFIX));
        assertTrue(versions.clientSoftware(s.id()).isEmpty(), "not known before the answer");

        InterceptResult r = intercept(answer(q, "alice@example.org/laptop", "example.org", query("Gajim", "1.9.5", "Debian")), s);
        assertTrue(r.isConsumed(), "the answer is the server's, routing need not see it");
        assertEquals(Optional.of(new ClientSoftware("Gajim", "1.9.5", "Debian")), versions.clientSoftware(s.id()));
        assertEquals(0, versions.pendingCount());

        versions.ended(s);
        assertTrue(versions.clientSoftware(s.id()).isEmpty(), "forgotten with the session");
    }

    @Test
    void anAnswerWithoutOsOrWithoutToIsTakenAndOneWithoutANameLeavesItUnknown() {
        TestSession a = session("a");
        TestSession b = session("b");
        versions.available(a, null);
        versions.available(b, null);
        assertTrue(intercept(answer(question(a), "alice@example.org/a", null, query("Smack", "4.5.0", null)), a).isConsumed());
        assertEquals(new ClientSoftware("Smack", "4.5.0", null), versions.clientSoftware(a.id()).orElseThrow());
        assertTrue(intercept(answer(question(b), "alice@example.org/b", "example.org", query(null, "1", null)), b).isConsumed());
        assertTrue(versions.clientSoftware(b.id()).isEmpty());
    }

    @Test
    void anErrorAnswerIsTakenAndLeavesItUnknown() {
        TestSession s = session("x");
        versions.available(s, null);
        Stanza error = question(s).errorReply(org.parley.api.stanza.StanzaErrorCondition.SERVICE_UNAVAILABLE, null)
                .withFrom(s.jid()).withTo(TestServer.INSTANCE.domain());
        assertTrue(intercept(error, s).isConsumed(), "its error answers the server's question: no one else is told");
        assertTrue(versions.clientSoftware(s.id()).isEmpty());
        assertEquals(0, versions.pendingCount());
    }

    @Test
    void whatIsNotTheAnswerPassesUntouched() {
        TestSession s = session("p");
        TestSession other = session("other");
        versions.available(s, null);
        Stanza q = question(s);
        Stanza fromAnother = answer(q, "alice@example.org/other", "example.org", query("Fake", "1", null));
        InterceptResult r = intercept(fromAnother, other);
        assertFalse(r.isConsumed(), "another session cannot answer for it");
        assertSame(fromAnother, r.stanza());
        Stanza toSomeoneElse = answer(q, "alice@example.org/p", "bob@example.org/x", query("Fake", "1", null));
        assertFalse(intercept(toSomeoneElse, s).isConsumed());
        Stanza unrelated = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "1")
                .child(query(null, null, null)).build());
        assertSame(unrelated, intercept(unrelated, s).stanza());
        assertTrue(versions.clientSoftware(s.id()).isEmpty());
        assertEquals(1, versions.pendingCount(), "still waiting for the real answer");
    }

    @Test
    void whatTheClientSaysIsCutAndCleaned() {
        ClientSoftware s = ClientVersions.parse(query("  Evil\u0007Client\n ", "x".repeat(5000), "   "));
        assertEquals("EvilClient", s.name());
        assertEquals(ClientVersions.MAX_FIELD, s.version().length());
        assertNull(s.os());
        assertNull(ClientVersions.parse(Element.empty("query", "jabber:iq:other")));
    }

    @Test
    void nobodyIsAskedWhenItIsSwitchedOffAndABadTimeoutIsRefused() {
        versions.configure(config(false, 30));
        TestSession s = session("quiet");
        versions.available(s, null);
        assertTrue(s.received.isEmpty());
        versions.configure(config(true, 0));
        versions.available(s, null);
        assertTrue(s.received.isEmpty(), "the refused configuration left asking off");
    }

    @Test
    void anAnswerThatArrivesAfterAnUpgradeIsTakenByTheSuccessorAndNobodyIsAskedTwice() {
        TestSession answered = session("answered");
        TestSession waiting = session("waiting");
        versions.available(answered, null);
        versions.available(waiting, null);
        intercept(answer(question(answered), "alice@example.org/answered", "example.org", query("Conversations", "2.17", "Android")), answered);
        Stanza q = question(waiting);

        versions.deactivate();
        versions = new ClientVersions(TestServer.INSTANCE, handoff, config(true, 30));
        assertEquals(new ClientSoftware("Conversations", "2.17", "Android"), versions.clientSoftware(answered.id()).orElseThrow());
        assertTrue(intercept(answer(q, "alice@example.org/waiting", "example.org", query("Dino", "0.4", null)), waiting).isConsumed());
        assertEquals("Dino", versions.clientSoftware(waiting.id()).orElseThrow().name());
        versions.available(answered, null);
        versions.available(waiting, null);
        assertEquals(1, answered.received("iq", "get").size(), "not asked again after the upgrade");
        assertEquals(1, waiting.received("iq", "get").size());
    }

    @Test
    void noAnswerWithinTheTimeoutLeavesItUnknownAndALateAnswerPasses() throws Exception {
        versions.deactivate();
        versions = new ClientVersions(TestServer.INSTANCE, handoff, config(true, 1));
        TestSession s = session("slow");
        versions.available(s, null);
        Stanza q = question(s);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (versions.pendingCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, versions.pendingCount(), "the question expired");
        assertFalse(intercept(answer(q, "alice@example.org/slow", "example.org", query("Late", "1", null)), s).isConsumed());
        assertTrue(versions.clientSoftware(s.id()).isEmpty());
    }
}
