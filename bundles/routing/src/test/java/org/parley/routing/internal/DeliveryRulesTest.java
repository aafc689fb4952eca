package org.parley.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.osgi.framework.Constants;
import org.parley.api.auth.UserDirectory;
import org.parley.api.routing.Component;
import org.parley.api.routing.DeliveryFilter;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.StanzaInterceptor.Direction;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.session.TestSession;
import org.parley.api.session.TestSessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class DeliveryRulesTest {
    private static final long GRACE = 300;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2);
    private TestSessionRegistry registry;
    private LocalSessions sessions;
    private IqDispatcher iqs;
    private Interceptors interceptors;
    private DeliveryFilters filters;
    private Components components;
    private Accounts accounts;
    private Undeliverables undeliverables;
    private DeliveryRules rules;
    private TestSession alice;
    private long serviceIds = 100;
    private final List<CompletionStage<Void>> background = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new TestSessionRegistry();
        sessions = new LocalSessions(timer, () -> GRACE);
        sessions.arrived(registry);
        iqs = new IqDispatcher(timer, () -> GRACE);
        interceptors = new Interceptors(timer, () -> GRACE);
        filters = new DeliveryFilters();
        accounts = new Accounts(timer, () -> GRACE);
        undeliverables = new Undeliverables(timer, () -> GRACE);
        DeliveryRules[] self = new DeliveryRules[1];
        components = new Components(timer, () -> GRACE, pool, (s, c) -> self[0].bounce(s, c));
        rules = new DeliveryRules(() -> JidCreate.domainBareFromOrThrowUnchecked("example.org"), sessions, iqs, interceptors, filters,
                components, accounts, undeliverables, background::add);
        self[0] = rules;
        alice = bind("alice@example.org/laptop", true, 0);
    }

    /** A session bound now; one that is not available keeps its priority, so only availability keeps it out. */
    private TestSession bind(String jid, boolean available, int priority) {
        TestSession session = new TestSession(jid).available(priority);
        return registry.bind(available ? session : session.presence(null));
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    private Registration registration(String name, int ranking) {
        return Registration.of(Map.of(Constants.SERVICE_RANKING, ranking, Constants.SERVICE_ID, serviceIds++, "component.name", name));
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

    private static IqHandler answering() {
        return (request, origin) -> CompletableFuture.completedFuture(request.resultReply(null));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 5 s");
    }

    // ---- RFC 6121 section 8 ----

    @Test
    void messageToBareJidGoesToHighestPriority() {
        TestSession low = bind("bob@example.org/phone", true, 1);
        TestSession high = bind("bob@example.org/desk", true, 5);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(1, high.received.size());
        assertEquals(0, low.received.size());
    }

    @Test
    void messageToBareJidWithEqualTopPrioritiesReachesEach() {
        TestSession a = bind("bob@example.org/a", true, 3);
        TestSession b = bind("bob@example.org/b", true, 3);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", null));
        assertEquals(1, a.received.size());
        assertEquals(1, b.received.size());
    }

    @Test
    void negativePriorityAndUnavailableResourcesGetNoBareJidMessagesAndTheSenderLearnsIt() {
        TestSession negative = bind("bob@example.org/bot", true, -1);
        TestSession away = bind("bob@example.org/off", false, 10);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(0, negative.received.size());
        assertEquals(0, away.received.size());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition(),
                "with no offline storage the sender learns the message was not delivered");
    }

    @Test
    void headlineToBareJidReachesAllNonNegativeResources() {
        TestSession a = bind("bob@example.org/a", true, 1);
        TestSession b = bind("bob@example.org/b", true, 4);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "headline"));
        assertEquals(1, a.received.size());
        assertEquals(1, b.received.size());
    }

    @Test
    void messageToFullJidReachesOnlyThatResource() {
        TestSession a = bind("bob@example.org/a", true, 1);
        TestSession b = bind("bob@example.org/b", true, 4);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org/a", "chat"));
        assertEquals(1, a.received.size());
        assertEquals(0, b.received.size());
    }

    @Test
    void chatToAbsentFullJidFallsBackToBareJid() {
        TestSession b = bind("bob@example.org/b", true, 0);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org/gone", "chat"));
        assertEquals(1, b.received.size());
    }

    @Test
    void iqToAbsentFullJidIsServiceUnavailableFromThatAddress() {
        rules.routeFrom(alice, iq("alice@example.org/laptop", "bob@example.org/gone", "jabber:iq:version"));
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
        assertEquals("bob@example.org/gone", alice.received.get(0).from().toString());
    }

    @Test
    void anErrorIsNeverAnsweredWithAnError() {
        rules.routeFrom(alice, message("alice@example.org/laptop", "nobody@example.org", "error"));
        assertTrue(alice.received.isEmpty());
    }

    // ---- iq handlers ----

    @Test
    void iqToUnhandledNamespaceIsServiceUnavailable() {
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:nobody"));
        Stanza reply = alice.received.get(0);
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, reply.errorCondition());
        assertEquals("i1", reply.id());
    }

    @Test
    void iqToServerAndWithoutToReachTheHandlerForItsNamespace() {
        iqs.add(answering(), registration("q", 0), List.of("urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", null, "urn:example:q"));
        assertEquals("result", alice.received.get(0).type());
        assertEquals("result", alice.received.get(1).type());
    }

    @Test
    void higherRankedHandlerWins() {
        iqs.add((r, o) -> CompletableFuture.completedFuture(r.errorReply(StanzaErrorCondition.GONE, null)), registration("low", 0),
                List.of("urn:example:q"));
        iqs.add(answering(), registration("high", 10), List.of("urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        assertEquals("result", alice.received.get(0).type());
    }

    @Test
    void handlersOfOneNamespaceSplitItBetweenTheServerAndAccounts() {
        iqs.add((r, o) -> CompletableFuture.completedFuture(r.resultReply(Element.empty("server", "urn:example:q"))),
                registration("uptime", 0), List.of("urn:example:q"), EnumSet.of(IqDispatcher.Target.SERVER));
        iqs.add((r, o) -> CompletableFuture.completedFuture(r.resultReply(Element.empty("account", "urn:example:q"))),
                registration("last seen", 0), List.of("urn:example:q"), EnumSet.of(IqDispatcher.Target.ACCOUNT));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", null, "urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "alice@example.org", "urn:example:q"));
        assertEquals(List.of("server", "account", "account"), alice.received.stream().map(s -> s.payload().name()).toList());
        assertEquals(java.util.Set.of("urn:example:q"), iqs.namespaces(), "listed once in disco");
        assertThrows(IllegalArgumentException.class, () -> IqDispatcher.Target.of(List.of("everyone")));
        assertEquals(EnumSet.allOf(IqDispatcher.Target.class), IqDispatcher.Target.of(List.of()));
    }

    @Test
    void aHandlerThatThrowsOrFailsGetsTheSenderInternalServerError() {
        iqs.add((r, o) -> {
            throw new IllegalStateException("bug");
        }, registration("throws", 0), List.of("urn:example:a"));
        iqs.add((r, o) -> CompletableFuture.failedFuture(new IllegalStateException("failed")), registration("fails", 0),
                List.of("urn:example:b"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:a"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:b"));
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, alice.received.get(0).errorCondition());
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, alice.received.get(1).errorCondition());
    }

    @Test
    void aRequestHeldWhileItsHandlerIsReplacedReachesTheSuccessorAndIsAnsweredOnce() throws Exception {
        IqHandler old = (r, o) -> CompletableFuture.completedFuture(r.errorReply(StanzaErrorCondition.GONE, null));
        iqs.add(old, registration("q", 0), List.of("urn:example:q"));
        iqs.remove(old, List.of("urn:example:q"));
        CompletionStage<Void> handled = rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        assertTrue(alice.received.isEmpty(), "held, not refused, during the grace period");
        assertFalse(handled.toCompletableFuture().isDone(), "the sender's stream waits for the answer");
        iqs.add(answering(), registration("q", 0), List.of("urn:example:q"));
        assertEquals("result", alice.received.get(0).type());
        assertTrue(handled.toCompletableFuture().isDone());
        Thread.sleep(GRACE + 100);
        assertEquals(1, alice.received.size(), "the end of the grace period sends no second answer");
    }

    @Test
    void aRequestHeldPastTheGracePeriodIsServiceUnavailable() throws Exception {
        IqHandler old = answering();
        iqs.add(old, registration("q", 0), List.of("urn:example:q"));
        iqs.remove(old, List.of("urn:example:q"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        await(() -> !alice.received.isEmpty());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void aHandlerThatLeavesAsItIsCalledIsReplacedByItsSuccessorNotAnError() {
        IqHandler[] gone = new IqHandler[1];
        gone[0] = (r, o) -> {
            iqs.remove(gone[0], List.of("urn:example:q")); // what SCR does before the service is gone
            throw new LazyService.GoneException("unregistered meanwhile");
        };
        iqs.add(gone[0], registration("q", 0), List.of("urn:example:q"));
        CompletionStage<Void> handled = rules.routeFrom(alice, iq("alice@example.org/laptop", "example.org", "urn:example:q"));
        assertTrue(alice.received.isEmpty(), "held for the successor");
        iqs.add(answering(), registration("q", 0), List.of("urn:example:q"));
        handled.toCompletableFuture().join();
        assertEquals("result", alice.received.get(0).type());
    }

    @Test
    void anInterceptorThatLeavesAsItIsCalledHoldsTheStanzaForItsSuccessor() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        StanzaInterceptor[] gone = new StanzaInterceptor[1];
        gone[0] = (s, i) -> {
            interceptors.remove(gone[0]); // what SCR does before the service is gone
            throw new LazyService.GoneException("unregistered meanwhile");
        };
        intercept("privacy", gone[0], "message", "inbound", true);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertTrue(bob.received.isEmpty());
        intercept("privacy", (s, i) -> CompletableFuture.completedFuture(InterceptResult.proceed(s)), "message", "inbound", true);
        handled.toCompletableFuture().join();
        assertEquals(1, bob.received.size());
        assertTrue(alice.received.isEmpty(), "no error for a swap");
    }

    // ---- accounts that do not exist (RFC 6121 section 8.5.1) ----

    @Test
    void iqToTheBareJidOfAnAccountThatDoesNotExistIsServiceUnavailable() {
        iqs.add(answering(), registration("ping", 0), List.of("urn:xmpp:ping"));
        iqs.add(answering(), registration("disco", 0), List.of("http://jabber.org/protocol/disco#info"));
        accounts.add(username -> CompletableFuture.completedFuture("bob".equals(username)), registration("users", 0));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "nobody@example.org", "urn:xmpp:ping"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "nobody@example.org", "http://jabber.org/protocol/disco#info"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "bob@example.org", "urn:xmpp:ping"));
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
        assertEquals("nobody@example.org", alice.received.get(0).from().toString());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(1).errorCondition());
        assertEquals("result", alice.received.get(2).type(), "an existing account with no session is answered for");
    }

    @Test
    void aMessageToAnAccountThatDoesNotExistIsNeverStored() {
        List<Stanza> stored = new ArrayList<>();
        undeliverables.add((m, account) -> {
            stored.add(m);
            return CompletableFuture.completedFuture(true);
        }, registration("offline", 0));
        accounts.add(username -> CompletableFuture.completedFuture("bob".equals(username)), registration("users", 0));
        rules.routeFrom(alice, message("alice@example.org/laptop", "nobody@example.org", "chat"));
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(1, stored.size());
        assertEquals("bob@example.org", stored.get(0).to().toString());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void aQuestionWhileADirectoryIsReplacedWaitsForItsSuccessor() {
        // The directory bundle (LDAP) is upgraded: the local store alone would say "no such account".
        accounts.add(username -> CompletableFuture.completedFuture(false), registration("local", 10));
        UserDirectory old = username -> CompletableFuture.completedFuture("dora".equals(username));
        accounts.add(old, registration("directory", 0));
        accounts.remove(old);
        CompletableFuture<Boolean> answer = accounts.exists("dora").toCompletableFuture();
        assertTrue(!answer.isDone(), "waits for the directory's successor");
        accounts.add(username -> CompletableFuture.completedFuture("dora".equals(username)), registration("directory", 0));
        assertTrue(answer.join(), "the successor knows her");
    }

    @Test
    void withoutAnyUserDirectoryAnAccountIsTakenToExist() {
        iqs.add(answering(), registration("ping", 0), List.of("urn:xmpp:ping"));
        rules.routeFrom(alice, iq("alice@example.org/laptop", "bob@example.org", "urn:xmpp:ping"));
        assertEquals("result", alice.received.get(0).type());
    }

    // ---- the undeliverable-message hook ----

    @Test
    void aChatMessageForAnAccountWithNoAvailableResourceGoesToTheUndeliverableHookBeforeItCompletes() {
        CompletableFuture<Boolean> storing = new CompletableFuture<>();
        UndeliverableMessageHandler offline = (m, account) -> storing;
        undeliverables.add(offline, registration("offline", 0));
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertFalse(handled.toCompletableFuture().isDone(), "not handled before it is stored");
        storing.complete(true);
        assertTrue(handled.toCompletableFuture().isDone());
        assertTrue(alice.received.isEmpty(), "a stored message is not bounced");
    }

    @Test
    void groupchatAndHeadlinesAreNeverOfferedForStorage() {
        List<Stanza> stored = new ArrayList<>();
        undeliverables.add((m, account) -> {
            stored.add(m);
            return CompletableFuture.completedFuture(true);
        }, registration("offline", 0));
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "groupchat"));
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "headline"));
        assertTrue(stored.isEmpty());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition(), "groupchat is bounced");
        assertEquals(1, alice.received.size(), "a headline is dropped");
    }

    @Test
    void aDeclinedMessageIsBouncedAndAFailingHandlerIsSkipped() {
        undeliverables.add((m, account) -> {
            throw new IllegalStateException("bug");
        }, registration("broken", 10));
        undeliverables.add((m, account) -> CompletableFuture.completedFuture(false), registration("declines", 0));
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void aMessageForOfflineStorageWhileTheStoreIsReplacedWaitsForTheSuccessorAndIsNotBounced() throws Exception {
        UndeliverableMessageHandler old = (m, account) -> CompletableFuture.completedFuture(true);
        undeliverables.add(old, registration("offline", 0));
        undeliverables.remove(old);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertFalse(handled.toCompletableFuture().isDone(), "held for the successor, so the sender is not yet told anything");
        List<Stanza> stored = new CopyOnWriteArrayList<>();
        undeliverables.add((m, account) -> {
            stored.add(m);
            return CompletableFuture.completedFuture(true);
        }, registration("offline", 0));
        assertEquals(1, stored.size(), "the successor stored it");
        assertTrue(handled.toCompletableFuture().isDone());
        Thread.sleep(GRACE + 100);
        assertTrue(alice.received.isEmpty(), "no bounce, neither at once nor when the grace period ends");
    }

    @Test
    void aMessageHeldPastTheGracePeriodWithNoStoreComingBackIsBounced() throws Exception {
        UndeliverableMessageHandler old = (m, account) -> CompletableFuture.completedFuture(true);
        undeliverables.add(old, registration("offline", 0));
        undeliverables.remove(old);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        await(() -> !alice.received.isEmpty());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(2, alice.received.size(), "after the grace period a message is bounced at once");
    }

    // ---- interceptors ----

    private void intercept(String name, StanzaInterceptor interceptor, Object kinds, Object direction, boolean policy) {
        interceptors.add(Interceptors.entry(interceptor, registration(name, 0), kinds, direction, policy));
    }

    /** An interceptor that was bound under that name and left: stanzas it would see wait for its successor. */
    private void departed(String name, Object kinds, Object direction, boolean policy) {
        StanzaInterceptor gone = (s, i) -> CompletableFuture.completedFuture(InterceptResult.proceed(s));
        intercept(name, gone, kinds, direction, policy);
        interceptors.remove(gone);
    }

    @Test
    void interceptorsSeeALocalMessageOutboundForTheSenderThenInboundForTheRecipient() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        List<String> seen = new CopyOnWriteArrayList<>();
        intercept("log", (s, i) -> {
            seen.add(i.direction() + " " + i.account());
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, null, null, false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(List.of("OUTBOUND alice@example.org", "INBOUND bob@example.org"), seen);
        assertEquals(1, bob.received.size());
    }

    @Test
    void interceptorsAndDirectoriesAnsweringWithMinimalStagesAreWaitedFor() {
        // Only a plain CompletableFuture is read at once; a minimal stage (what the user
        // directories return) cannot be asked whether it is done and takes the composed path.
        TestSession bob = bind("bob@example.org/b", true, 0);
        CompletableFuture<InterceptResult> decision = new CompletableFuture<>();
        intercept("slow", (s, i) -> i.direction() == StanzaInterceptor.Direction.INBOUND
                ? decision.minimalCompletionStage() : CompletableFuture.completedFuture(InterceptResult.proceed(s)).minimalCompletionStage(),
                "message", null, false);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertFalse(handled.toCompletableFuture().isDone(), "waits for the inbound decision");
        assertEquals(0, bob.received.size());
        decision.complete(InterceptResult.proceed(message("alice@example.org/laptop", "bob@example.org", "chat")));
        assertTrue(handled.toCompletableFuture().isDone());
        assertEquals(1, bob.received.size());

        iqs.add(answering(), registration("ping", 0), List.of("urn:xmpp:ping"));
        accounts.add(username -> CompletableFuture.completedFuture("dora".equals(username)).minimalCompletionStage(), registration("directory", 0));
        CompletionStage<Void> asked = rules.routeFrom(alice, iq("alice@example.org/laptop", "dora@example.org", "urn:xmpp:ping"));
        assertTrue(asked.toCompletableFuture().isDone());
        assertEquals("result", alice.received.get(0).type(), "an existing account without a session is answered for");
    }

    @Test
    void anInterceptorSeesOnlyTheKindsAndDirectionItAskedFor() {
        bind("bob@example.org/b", true, 0);
        List<String> seen = new CopyOnWriteArrayList<>();
        intercept("presence-in", (s, i) -> {
            seen.add(s.kind() + " " + i.direction());
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "presence", "inbound", false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        rules.routeFrom(alice, Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", "alice@example.org/laptop")
                .attribute("to", "bob@example.org").build()));
        assertEquals(List.of("PRESENCE INBOUND"), seen);
    }

    @Test
    void anInterceptorCanRewriteConsumeOrRefuse() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        intercept("rewrite", (s, i) -> CompletableFuture.completedFuture(InterceptResult.proceed(
                Stanza.create(s.element().withAttribute("id", "rewritten")))), "message", "outbound", false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals("rewritten", bob.received.get(0).id());

        intercept("refuse", (s, i) -> CompletableFuture.completedFuture(InterceptResult.refuse(StanzaErrorCondition.NOT_ACCEPTABLE, "blocked")),
                "message", "inbound", true);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertEquals(1, bob.received.size(), "refused: not delivered");
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void anInterceptorThatThrowsRefusesTheStanzaWithInternalServerError() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        intercept("bug", (s, i) -> {
            throw new IllegalStateException("bug");
        }, null, null, false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertTrue(bob.received.isEmpty());
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, alice.received.get(0).errorCondition());
    }

    @Test
    void aSlowAsynchronousInterceptorHoldsTheStanzaAndTheStageCompletesAfterIt() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        CompletableFuture<InterceptResult> decision = new CompletableFuture<>();
        intercept("slow", (s, i) -> i.direction() == Direction.OUTBOUND ? decision : CompletableFuture.completedFuture(InterceptResult.proceed(s)),
                null, null, false);
        Stanza m = message("alice@example.org/laptop", "bob@example.org", "chat");
        CompletionStage<Void> handled = rules.routeFrom(alice, m);
        assertTrue(bob.received.isEmpty());
        assertFalse(handled.toCompletableFuture().isDone());
        decision.complete(InterceptResult.proceed(m));
        assertEquals(1, bob.received.size());
        assertTrue(handled.toCompletableFuture().isDone());
    }

    @Test
    void aPolicyInterceptorBeingReplacedHoldsStanzasForItsSuccessor() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        List<String> checkedBy = new CopyOnWriteArrayList<>();
        departed("privacy", "message", "inbound", true);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertTrue(bob.received.isEmpty(), "held, not passed unchecked");
        intercept("privacy", (s, i) -> {
            checkedBy.add("successor");
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "message", "inbound", true);
        handled.toCompletableFuture().join();
        assertEquals(List.of("successor"), checkedBy);
        assertEquals(1, bob.received.size());
    }

    @Test
    void aStanzaRoutedWhileHeldOnesGoToTheSuccessorQueuesBehindThem() throws Exception {
        // The roster's upgrade under presence traffic: while the successor is given the stanzas held
        // for its predecessor, another thread routes the sender's next one. It must not overtake.
        TestSession bob = bind("bob@example.org/b", true, 0);
        departed("presence", "message", "inbound", false);
        Stanza first = numbered(1);
        rules.route(first);
        assertTrue(bob.received.isEmpty(), "held for the successor");
        intercept("presence", (s, i) -> {
            if (s.id().equals(first.id())) {
                Thread next = new Thread(() -> rules.route(numbered(2)));
                next.start();
                try {
                    next.join(5000); // routing runs on the calling thread: unless held, the second is delivered by now
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "message", "inbound", false);
        await(() -> bob.received.size() == 2);
        assertEquals(List.of("n1", "n2"), bob.received.stream().map(Stanza::id).toList());
    }

    @Test
    void stanzasTheServerRoutesForOneSenderAndRecipientStayInOrderWhileAnInboundInterceptorAnswersLate() {
        // The roster's presence broadcast: one copy per contact, routed without waiting. The
        // recipient's interceptor answers the first copy late (a roster to read) and the next at once.
        TestSession bob = bind("bob@example.org/b", true, 0);
        TestSession carol = bind("carol@example.org/c", true, 0);
        CompletableFuture<InterceptResult> late = new CompletableFuture<>();
        intercept("privacy", (s, i) -> s.id().equals("n1") && s.to().toString().startsWith("bob") ? late
                : CompletableFuture.completedFuture(InterceptResult.proceed(s)), "message", "inbound", true);
        CompletionStage<Void> first = rules.route(numbered(1));
        CompletionStage<Void> second = rules.route(numbered(2));
        rules.route(numbered(1, "carol@example.org/c"));
        assertTrue(bob.received.isEmpty(), "the second waits for the first");
        assertFalse(second.toCompletableFuture().isDone());
        assertEquals(List.of("n1"), carol.received.stream().map(Stanza::id).toList(), "another recipient does not wait");

        late.complete(InterceptResult.proceed(numbered(1)));
        assertEquals(List.of("n1", "n2"), bob.received.stream().map(Stanza::id).toList());
        assertTrue(first.toCompletableFuture().isDone() && second.toCompletableFuture().isDone());
        CompletionStage<Void> third = rules.route(numbered(3));
        assertTrue(third.toCompletableFuture().isDone(), "the line is gone with its last stanza: the next goes at once");
        assertEquals(List.of("n1", "n2", "n3"), bob.received.stream().map(Stanza::id).toList());
    }

    @Test
    void aStanzaRefusedOrFailedAheadDoesNotStopTheOnesBehindIt() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        CompletableFuture<InterceptResult> late = new CompletableFuture<>();
        intercept("privacy", (s, i) -> s.id().equals("n1") ? late : CompletableFuture.completedFuture(InterceptResult.proceed(s)),
                "message", "inbound", true);
        rules.route(numbered(1));
        CompletionStage<Void> second = rules.route(numbered(2));
        late.completeExceptionally(new IllegalStateException("the privacy store is down"));
        assertTrue(second.toCompletableFuture().isDone());
        assertEquals(List.of("n2"), bob.received.stream().map(Stanza::id).toList(), "the first was refused, the second delivered");
    }

    private static Stanza numbered(int n) {
        return numbered(n, "bob@example.org/b");
    }

    private static Stanza numbered(int n, String to) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "alice@example.org/laptop")
                .attribute("to", to).attribute("id", "n" + n).attribute("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text("message " + n).build()).build());
    }

    @Test
    void twoInterceptorsReplacedOneAfterTheOtherBothSeeAStanzaHeldForTheFirst() {
        // A bundle with two interceptors (the roster's blocking and presence) is stopped and started
        // one component at a time: a stanza held for the first must not run while the second is away.
        TestSession bob = bind("bob@example.org/b", true, 0);
        List<String> checkedBy = new CopyOnWriteArrayList<>();
        StanzaInterceptor oldBlocking = (s, i) -> CompletableFuture.completedFuture(InterceptResult.proceed(s));
        StanzaInterceptor oldPresence = (s, i) -> CompletableFuture.completedFuture(InterceptResult.proceed(s));
        intercept("blocking", oldBlocking, "message", "inbound", true);
        intercept("presence", oldPresence, "message", "inbound", false);
        interceptors.remove(oldBlocking);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        interceptors.remove(oldPresence);
        intercept("blocking", (s, i) -> {
            checkedBy.add("blocking");
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "message", "inbound", true);
        assertTrue(bob.received.isEmpty(), "still held for the second interceptor's successor");
        intercept("presence", (s, i) -> {
            checkedBy.add("presence");
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "message", "inbound", false);
        handled.toCompletableFuture().join();
        assertEquals(List.of("blocking", "presence"), checkedBy);
        assertEquals(1, bob.received.size());
    }

    @Test
    void aPolicyInterceptorAbsentPastTheGracePeriodFailsClosedAndAPlainOneIsSkipped() throws Exception {
        TestSession bob = bind("bob@example.org/b", true, 0);
        departed("privacy", "message", "inbound", true);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(bob.received.isEmpty(), "never leaked");
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());

        departed("logger", "message", "inbound", false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(1, bob.received.size(), "a plain interceptor that does not come back is skipped");
    }

    // ---- policies asked again for a kept message (offline delivery) ----

    private InterceptResult policies(Stanza stanza) throws Exception {
        return interceptors.applyPolicies(stanza, new StanzaInterceptor.Interception(StanzaInterceptor.Direction.INBOUND,
                JidCreate.entityBareFrom("bob@example.org"), null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aKeptMessageMeetsOnlyThePolicyInterceptors_inboundForTheRecipient() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        intercept("carbons", (s, i) -> {
            seen.add("carbons");
            return CompletableFuture.completedFuture(InterceptResult.proceed(s));
        }, "message", null, false);
        intercept("blocking", (s, i) -> {
            seen.add("blocking " + i.direction() + " " + i.account() + " " + i.origin());
            return CompletableFuture.completedFuture(s.from().asBareJid().toString().equals("tybalt@example.org")
                    ? InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE, null) : InterceptResult.proceed(s));
        }, "message", "inbound", true);
        InterceptResult admitted = policies(message("romeo@example.org/o", "bob@example.org", "chat"));
        assertFalse(admitted.isConsumed());
        assertEquals(List.of("blocking INBOUND bob@example.org null"), seen, "no other interceptor sees it again (no second carbon)");
        InterceptResult refused = policies(message("tybalt@example.org/s", "bob@example.org", "chat"));
        assertTrue(refused.isConsumed());
        assertFalse(Interceptors.undecided(refused), "a refusal is a decision");
    }

    @Test
    void aPolicyThatFailsOrStaysAwayDecidesNothing() throws Exception {
        StanzaInterceptor broken = (s, i) -> {
            throw new IllegalStateException("bug");
        };
        intercept("broken", broken, "message", "inbound", true);
        assertTrue(Interceptors.undecided(policies(message("romeo@example.org/o", "bob@example.org", "chat"))));
        interceptors.remove(broken);
        departed("privacy", "message", "inbound", true);
        assertTrue(Interceptors.undecided(policies(message("romeo@example.org/o", "bob@example.org", "chat"))),
                "absent past the grace period: undecided, so the kept message waits rather than goes or is dropped");
    }

    @Test
    void theFiltersCanBeAskedWithoutDelivering() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        filters.add((s, r) -> s.id().equals("m1") ? Stanza.create(s.element().withAttribute("id", "seen")) : null, registration("f", 0), false);
        Stanza kept = message("romeo@example.org/o", "bob@example.org", "chat");
        assertEquals("seen", filters.filter(kept, bob).id());
        assertNull(filters.filter(Stanza.create(kept.element().withAttribute("id", "other")), bob));
        assertTrue(bob.received.isEmpty(), "the caller delivers (with its receipt), not the filters");
    }

    // ---- delivery filters ----

    @Test
    void deliveryFiltersSeeEachRecipientAndMayWithholdOrRewrite() {
        TestSession a = bind("bob@example.org/a", true, 1);
        TestSession b = bind("bob@example.org/b", true, 1);
        List<String> seen = new CopyOnWriteArrayList<>();
        DeliveryFilter filter = (s, recipient) -> {
            seen.add(recipient.jid().getResourceOrEmpty().toString());
            return recipient == a ? null : Stanza.create(s.element().withAttribute("id", "for-b"));
        };
        filters.add(filter, registration("f", 0), false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "headline"));
        assertEquals(2, seen.size());
        assertTrue(a.received.isEmpty());
        assertEquals("for-b", b.received.get(0).id());
    }

    @Test
    void aPolicyFilterThatThrowsWithholdsTheStanzaAndAPlainOneIsSkipped() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        DeliveryFilter broken = (s, r) -> {
            throw new IllegalStateException("bug");
        };
        filters.add(broken, registration("plain", 0), false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org/b", "chat"));
        assertEquals(1, bob.received.size());
        filters.add(broken, registration("policy", 5), true);
        rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org/b", "chat"));
        assertEquals(1, bob.received.size());
    }

    // ---- components and other domains ----

    @Test
    void aComponentReceivesOnItsOwnThreadInOrder() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Component muc = s -> {
            got.add(s.id());
            threads.add(Thread.currentThread().getName());
        };
        components.add(muc, JidCreate.domainBareFrom("conference.example.org"), registration("muc", 0));
        for (int i = 0; i < 50; i++) {
            Stanza m = Stanza.create(message("alice@example.org/laptop", "room@conference.example.org", "groupchat").element()
                    .withAttribute("id", "g" + i));
            rules.routeFrom(alice, m);
        }
        await(() -> got.size() == 50);
        for (int i = 0; i < 50; i++) {
            assertEquals("g" + i, got.get(i));
        }
        assertFalse(threads.contains(Thread.currentThread().getName()), "not on the sender's thread");
    }

    @Test
    void stanzasForAComponentBeingReplacedGoToItsSuccessorAndPastTheGracePeriodAreBounced() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Component old = s -> got.add("old");
        components.add(old, JidCreate.domainBareFrom("conference.example.org"), registration("muc", 0));
        components.remove(old, JidCreate.domainBareFrom("conference.example.org"));
        rules.routeFrom(alice, message("alice@example.org/laptop", "room@conference.example.org", "groupchat"));
        Thread.sleep(50);
        assertTrue(got.isEmpty());
        components.add(s -> got.add("new"), JidCreate.domainBareFrom("conference.example.org"), registration("muc", 0));
        await(() -> got.equals(List.of("new")));
        assertTrue(alice.received.isEmpty(), "held, not bounced");

        components.remove(components.current(JidCreate.domainBareFrom("conference.example.org")),
                JidCreate.domainBareFrom("conference.example.org"));
        rules.routeFrom(alice, message("alice@example.org/laptop", "room@conference.example.org", "groupchat"));
        await(() -> !alice.received.isEmpty());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, alice.received.get(0).errorCondition());
    }

    @Test
    void removingAComponentWaitsForTheCallInProgressAndLetsNoneInAfter() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        Component old = s -> {
            got.add("old");
            inCall.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        var domain = JidCreate.domainBareFrom("conference.example.org");
        components.add(old, domain, registration("muc", 0));
        rules.routeFrom(alice, message("alice@example.org/laptop", "room@conference.example.org", "groupchat"));
        assertTrue(inCall.await(5, java.util.concurrent.TimeUnit.SECONDS));
        Thread remover = new Thread(() -> components.remove(old, domain));
        remover.start();
        remover.join(200);
        assertTrue(remover.isAlive(), "the component's removal waits for the call it is in (it hands over its state after it)");
        finish.countDown();
        remover.join(5000);
        assertFalse(remover.isAlive());
        rules.routeFrom(alice, message("alice@example.org/laptop", "room@conference.example.org", "groupchat"));
        components.add(s -> got.add("new"), domain, registration("muc", 0));
        await(() -> got.equals(List.of("old", "new")));
        assertTrue(alice.received.isEmpty(), "held, not bounced");
    }

    @Test
    void aComponentThatThrowsGetsTheSenderInternalServerError() throws Exception {
        components.add(s -> {
            throw new IllegalStateException("bug");
        }, JidCreate.domainBareFrom("conference.example.org"), registration("muc", 0));
        rules.routeFrom(alice, message("alice@example.org/laptop", "room@conference.example.org", "chat"));
        await(() -> !alice.received.isEmpty());
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, alice.received.get(0).errorCondition());
    }

    @Test
    void messageToAnotherDomainIsRemoteServerNotFoundWithoutFederation() {
        rules.routeFrom(alice, message("alice@example.org/laptop", "carol@elsewhere.net", "chat"));
        assertEquals(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, alice.received.get(0).errorCondition());
    }

    @Test
    void messageToAnotherDomainGoesToTheRemoteRouterWhenOneIsRegistered() {
        List<String> routed = new ArrayList<>();
        rules.setRemoteRouter((domain, stanza) -> routed.add(domain + " " + stanza.to()));
        rules.routeFrom(alice, message("alice@example.org/laptop", "carol@elsewhere.net", "chat"));
        assertEquals(List.of("elsewhere.net carol@elsewhere.net"), routed);
        assertTrue(alice.received.isEmpty());
        rules.setRemoteRouter((domain, stanza) -> false);
        rules.routeFrom(alice, message("alice@example.org/laptop", "carol@elsewhere.net", "chat"));
        assertEquals(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, alice.received.get(0).errorCondition());
    }

    // ---- the session directory being replaced ----

    @Test
    void deliveriesAreHeldForTheSessionCoresSuccessorWithoutHoldingTheSender() {
        TestSession bob = bind("bob@example.org/b", true, 0);
        sessions.departed(registry);
        CompletionStage<Void> handled = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org/b", "chat"));
        CompletionStage<Void> toBare = rules.routeFrom(alice, message("alice@example.org/laptop", "bob@example.org", "chat"));
        assertTrue(bob.received.isEmpty(), "held while the session core is replaced");
        assertTrue(handled.toCompletableFuture().isDone() && toBare.toCompletableFuture().isDone(),
                "routing took them: the outgoing core must not wait for its own successor");
        assertEquals(2, background.size(), "routing counts them in flight until delivered");
        sessions.arrived(registry);
        assertEquals(2, bob.received.size());
        assertTrue(background.stream().allMatch(b -> b.toCompletableFuture().isDone()));
    }

    @Test
    void theUndeliverableHookTakesWhatASessionNeverAcknowledgedWithoutRedelivery() {
        TestSession other = bind("bob@example.org/laptop", true, 0);
        List<Stanza> stored = new ArrayList<>();
        undeliverables.add((m, account) -> {
            stored.add(m);
            return CompletableFuture.completedFuture(true);
        }, registration("offline", 0));
        rules.undeliverable(message("alice@example.org/laptop", "bob@example.org/phone", "chat"),
                JidCreate.entityBareFromOrThrowUnchecked("bob@example.org"));
        assertEquals(1, stored.size());
        assertTrue(other.received.isEmpty(), "another resource may have had its own copy: not delivered again");
        assertNull(other.closedWith());
    }
}
