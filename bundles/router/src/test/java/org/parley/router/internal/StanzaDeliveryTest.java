package org.parley.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.routing.Component;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.MessageInterceptor;
import org.parley.api.routing.PresenceInterceptor;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class StanzaDeliveryTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private SessionTable sessions;
    private IqDispatcher iqs;
    private Interceptors<MessageInterceptor> messageInterceptors;
    private StanzaDelivery delivery;
    private FakeSession alice;

    @BeforeEach
    void setUp() {
        sessions = new SessionTable();
        iqs = new IqDispatcher(timer, 300);
        messageInterceptors = new Interceptors<>(MessageInterceptor::intercept);
        delivery = new StanzaDelivery(JidCreate.domainBareFromOrThrowUnchecked("example.org"), sessions, iqs,
                messageInterceptors, new Interceptors<>(PresenceInterceptor::intercept));
        alice = bind("alice@example.org/laptop", true, 0);
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    private FakeSession bind(String jid, boolean available, int priority) {
        FakeSession s = new FakeSession(jid, available, priority);
        sessions.bind(s);
        return s;
    }

    private static Stanza message(String from, String to, String type) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", to).attribute("id", "m1");
        if (type != null) {
            b.attribute("type", type);
        }
        return Stanza.create(b.child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).build());
    }

    private static Stanza iq(String from, String to, String ns) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("from", from).attribute("type", "get").attribute("id", "i1");
        if (to != null) {
            b.attribute("to", to);
        }
        return Stanza.create(b.child(Element.empty("query", ns)).build());
    }

    @Test
    void messageToBareJidGoesToHighestPriority() {
        FakeSession low = bind("bob@example.org/phone", true, 1);
        FakeSession high = bind("bob@example.org/desk", true, 5);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org", "chat"), alice);
        assertEquals(1, high.received.size());
        assertEquals(0, low.received.size());
    }

    @Test
    void messageToBareJidWithEqualTopPrioritiesReachesEach() {
        FakeSession a = bind("bob@example.org/a", true, 3);
        FakeSession b = bind("bob@example.org/b", true, 3);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org", null), alice);
        assertEquals(1, a.received.size());
        assertEquals(1, b.received.size());
    }

    @Test
    void negativePriorityAndUnavailableResourcesGetNoBareJidMessages() {
        FakeSession negative = bind("bob@example.org/bot", true, -1);
        FakeSession away = bind("bob@example.org/off", false, 10);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org", "chat"), alice);
        assertEquals(0, negative.received.size());
        assertEquals(0, away.received.size());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition(),
                "with no offline storage the sender learns the message was not delivered");
    }

    @Test
    void headlineToBareJidReachesAllNonNegativeResources() {
        FakeSession a = bind("bob@example.org/a", true, 1);
        FakeSession b = bind("bob@example.org/b", true, 4);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org", "headline"), alice);
        assertEquals(1, a.received.size());
        assertEquals(1, b.received.size());
    }

    @Test
    void messageToFullJidReachesOnlyThatResource() {
        FakeSession a = bind("bob@example.org/a", true, 1);
        FakeSession b = bind("bob@example.org/b", true, 4);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org/a", "chat"), alice);
        assertEquals(1, a.received.size());
        assertEquals(0, b.received.size());
    }

    @Test
    void chatToAbsentFullJidFallsBackToBareJid() {
        FakeSession b = bind("bob@example.org/b", true, 0);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org/gone", "chat"), alice);
        assertEquals(1, b.received.size());
    }

    @Test
    void iqToAbsentFullJidIsServiceUnavailable() {
        delivery.routeFrom(iq("alice@example.org/laptop", "bob@example.org/gone", "jabber:iq:version"), alice);
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
        assertEquals("bob@example.org/gone", alice.received.get(0).from().toString());
    }

    @Test
    void iqToUnhandledNamespaceIsServiceUnavailable() {
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:nobody"), alice);
        Stanza reply = alice.received.get(0);
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, reply.errorCondition());
        assertEquals("i1", reply.id());
        assertEquals("error", reply.type());
    }

    @Test
    void iqToServerReachesTheHandlerForItsNamespace() {
        IqHandler handler = (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
        iqs.add(new IqDispatcher.Registration(handler, 0, 1), List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:q"), alice);
        assertEquals("result", alice.received.get(0).type());
    }

    @Test
    void iqWithoutToIsAnsweredByTheServer() {
        IqHandler handler = (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
        iqs.add(new IqDispatcher.Registration(handler, 0, 1), List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", null, "urn:example:q"), alice);
        assertEquals("result", alice.received.get(0).type());
    }

    @Test
    void requestHeldWhileHandlerIsReplacedReachesItsSuccessor() throws Exception {
        IqHandler old = (request, origin) -> CompletableFuture.completedFuture(request.errorReply(StanzaErrorCondition.GONE, null));
        iqs.add(new IqDispatcher.Registration(old, 0, 1), List.of("urn:example:q"));
        iqs.remove(old, List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:q"), alice);
        assertTrue(alice.received.isEmpty(), "held, not refused, during the grace period");
        IqHandler successor = (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
        iqs.add(new IqDispatcher.Registration(successor, 0, 2), List.of("urn:example:q"));
        assertEquals("result", alice.received.get(0).type());
        TimeUnit.MILLISECONDS.sleep(400);
        assertEquals(1, alice.received.size(), "the expiry of the grace period sends no second answer");
    }

    @Test
    void requestHeldPastTheGracePeriodIsServiceUnavailable() throws Exception {
        IqHandler old = (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
        iqs.add(new IqDispatcher.Registration(old, 0, 1), List.of("urn:example:q"));
        iqs.remove(old, List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:q"), alice);
        long deadline = System.currentTimeMillis() + 5000;
        while (alice.received.isEmpty() && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void failingHandlerAnswersInternalServerError() {
        IqHandler broken = (request, origin) -> {
            throw new IllegalStateException("bug");
        };
        iqs.add(new IqDispatcher.Registration(broken, 0, 1), List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:q"), alice);
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, alice.received.get(0).errorCondition());
    }

    @Test
    void higherRankedHandlerWins() {
        IqHandler low = (request, origin) -> CompletableFuture.completedFuture(request.errorReply(StanzaErrorCondition.GONE, null));
        IqHandler high = (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
        iqs.add(new IqDispatcher.Registration(low, 0, 1), List.of("urn:example:q"));
        iqs.add(new IqDispatcher.Registration(high, 10, 2), List.of("urn:example:q"));
        delivery.routeFrom(iq("alice@example.org/laptop", "example.org", "urn:example:q"), alice);
        assertEquals("result", alice.received.get(0).type());
    }

    @Test
    void messageToAnotherDomainIsRemoteServerNotFound() {
        delivery.routeFrom(message("alice@example.org/laptop", "carol@elsewhere.net", "chat"), alice);
        assertEquals(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, alice.received.get(0).errorCondition());
    }

    @Test
    void messageToAnotherDomainGoesToTheRemoteRouterWhenOneIsRegistered() {
        List<String> routed = new ArrayList<>();
        delivery.setRemoteRouter((domain, stanza) -> routed.add(domain + " " + stanza.to()));
        delivery.routeFrom(message("alice@example.org/laptop", "carol@elsewhere.net", "chat"), alice);
        assertEquals(List.of("elsewhere.net carol@elsewhere.net"), routed);
        assertTrue(alice.received.isEmpty());
    }

    @Test
    void aDomainTheRemoteRouterDeclinesIsRemoteServerNotFound() {
        delivery.setRemoteRouter((domain, stanza) -> false);
        delivery.routeFrom(message("alice@example.org/laptop", "carol@elsewhere.net", "chat"), alice);
        assertEquals(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, alice.received.get(0).errorCondition());
    }

    @Test
    void stanzaToComponentDomainReachesTheComponent() {
        List<Stanza> got = new ArrayList<>();
        Component muc = got::add;
        delivery.addComponent(JidCreate.domainBareFromOrThrowUnchecked("conference.example.org"), muc);
        delivery.routeFrom(message("alice@example.org/laptop", "room@conference.example.org", "groupchat"), alice);
        assertEquals(1, got.size());
        assertTrue(alice.received.isEmpty());
    }

    @Test
    void anErrorIsNeverAnsweredWithAnError() {
        Stanza error = message("alice@example.org/laptop", "nobody@example.org", "error");
        delivery.routeFrom(error, alice);
        assertTrue(alice.received.isEmpty());
    }

    @Test
    void interceptorCanConsumeAMessage() {
        FakeSession bob = bind("bob@example.org/b", true, 0);
        messageInterceptors.add((m, origin) -> InterceptResult.consumed(), 0, 1);
        delivery.routeFrom(message("alice@example.org/laptop", "bob@example.org", "chat"), alice);
        assertTrue(bob.received.isEmpty());
    }

    @Test
    void bindingTheSameFullJidReturnsTheSessionItReplaces() {
        FakeSession first = bind("bob@example.org/x", true, 0);
        FakeSession second = new FakeSession("bob@example.org/x", true, 0);
        assertSame(first, sessions.bind(second));
        assertSame(second, sessions.session(second.jid));
        assertEquals(2, sessions.count(), "alice and the new bob");
        assertTrue(!sessions.unbind(first), "the replaced session is no longer bound");
        assertTrue(sessions.unbind(second));
        assertEquals(1, sessions.count());
    }

    @Test
    void namespacesPropertyMayBeStringOrArray() {
        assertEquals(List.of("a"), StreamRouter.namespaces(Map.of(IqHandler.NAMESPACE, "a")));
        assertEquals(List.of("a", "b"), StreamRouter.namespaces(Map.of(IqHandler.NAMESPACE, new String[] {"a", "b"})));
    }
}
