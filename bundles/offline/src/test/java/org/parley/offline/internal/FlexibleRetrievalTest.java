package org.parley.offline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.routing.InterceptResult;
import org.parley.api.server.TestWorkers;
import org.parley.api.session.TestSession;
import org.parley.api.session.TestSessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** XEP-0013 against a real H2 database: count, headers, view and remove by node, fetch and purge, and no flood after it. */
class FlexibleRetrievalTest {
    private static final EntityBareJid JULIET = JidCreate.entityBareFromOrThrowUnchecked("juliet@example.org");

    @TempDir
    Path data;

    private TestSqlDatabase database;
    private TestWorkers workers;
    private TestSessionRegistry registry;
    private OfflineMessages offline;
    private FlexibleRetrieval flexible;
    private TestSession phone;
    private volatile PolicyRouter router = new PolicyRouter();

    @BeforeEach
    void setUp() throws Exception {
        database = TestSqlDatabase.h2(data);
        database.migrate(OfflineStore.MODULE, OfflineStore.MIGRATIONS);
        workers = new TestWorkers();
        registry = new TestSessionRegistry();
        offline = new OfflineMessages(new OfflineStore(database.dataSource()), workers,
                () -> JidCreate.domainBareFromOrThrowUnchecked("example.org"), () -> registry, List::of, () -> router,
                Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC), Quota.DEFAULTS);
        flexible = new FlexibleRetrieval(offline);
        for (String body : List.of("one", "two", "three")) {
            Stanza m = Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "romeo@example.org/orchard")
                    .attribute("to", "juliet@example.org").attribute("type", "chat").textChild("body", body).build());
            assertTrue(get(offline.undeliverable(m, JULIET)));
        }
        phone = registry.bind(new TestSession("p1", "juliet@example.org/phone", Instant.parse("2026-11-29T12:01:00Z")));
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.close();
        database.shutdown();
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Stanza iq(String type, Element payload) {
        return Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "juliet@example.org/phone")
                .attribute("type", type).attribute("id", "q1").child(payload).build());
    }

    private static Element disco(String namespace) {
        return Element.builder("query", namespace).attribute("node", FlexibleRetrieval.NAMESPACE).build();
    }

    private static Element offlineItems(String action, String... nodes) {
        Element.Builder b = Element.builder("offline", FlexibleRetrieval.NAMESPACE);
        for (String n : nodes) {
            b.child(Element.builder("item", FlexibleRetrieval.NAMESPACE).attribute("action", action).attribute("node", n).build());
        }
        return b.build();
    }

    private List<String> headerNodes() throws Exception {
        phone.received.clear();
        assertTrue(get(flexible.intercept(iq("get", disco(FlexibleRetrieval.DISCO_ITEMS)), phone)).isConsumed());
        Stanza answer = phone.received.get(0);
        return answer.payload().elements().stream().map(e -> e.attribute("node")).toList();
    }

    @Test
    void theCountIsADiscoInfoOnTheOfflineNodeWithTheNumberOfMessages() throws Exception {
        InterceptResult r = get(flexible.intercept(iq("get", disco(FlexibleRetrieval.DISCO_INFO)), phone));
        assertTrue(r.isConsumed(), "answered here, not by the disco handler");
        Stanza answer = phone.received.get(0);
        assertEquals("result", answer.type());
        assertEquals("juliet@example.org", answer.from().toString());
        Element form = answer.payload().child("x", "jabber:x:data");
        assertNotNull(form);
        Element count = form.elements().stream().filter(f -> "number_of_messages".equals(f.attribute("var"))).findFirst().orElseThrow();
        assertEquals("3", count.childText("value"));
        assertEquals("message-list", answer.payload().child("identity", FlexibleRetrieval.DISCO_INFO).attribute("type"));
    }

    @Test
    void otherDiscoRequestsPassOnToTheDiscoHandler() throws Exception {
        Stanza plain = iq("get", Element.empty("query", FlexibleRetrieval.DISCO_INFO));
        assertFalse(get(flexible.intercept(plain, phone)).isConsumed());
        Stanza message = Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "juliet@example.org/phone")
                .attribute("to", "romeo@example.org").textChild("body", "hi").build());
        assertFalse(get(flexible.intercept(message, phone)).isConsumed());
        assertTrue(phone.received.isEmpty());
    }

    @Test
    void headersNameEachMessageByNodeAndSenderInOrder() throws Exception {
        phone.received.clear();
        get(flexible.intercept(iq("get", disco(FlexibleRetrieval.DISCO_ITEMS)), phone));
        List<Element> items = phone.received.get(0).payload().elements();
        assertEquals(3, items.size());
        assertEquals("romeo@example.org/orchard", items.get(0).attribute("name"));
        assertEquals("juliet@example.org", items.get(0).attribute("jid"));
        assertTrue(Long.parseLong(items.get(0).attribute("node")) < Long.parseLong(items.get(2).attribute("node")));
    }

    @Test
    void viewSendsTheMessageMarkedWithItsNodeAndKeepsItRemoveDeletesIt() throws Exception {
        List<String> nodes = headerNodes();
        phone.received.clear();
        Stanza viewed = get(flexible.handle(iq("get", offlineItems("view", nodes.get(1))), phone));
        assertEquals("result", viewed.type());
        assertEquals(1, phone.received.size(), "the message before the result");
        Stanza m = phone.received.get(0);
        assertEquals("two", m.element().childText("body"));
        assertEquals(nodes.get(1), m.element().child("offline", FlexibleRetrieval.NAMESPACE)
                .child("item", FlexibleRetrieval.NAMESPACE).attribute("node"));
        assertNotNull(m.element().child("delay", OfflineMessages.DELAY));
        assertEquals(3, headerNodes().size(), "viewing keeps it");

        assertEquals("result", get(flexible.handle(iq("set", offlineItems("remove", nodes.get(1))), phone)).type());
        assertEquals(List.of(nodes.get(0), nodes.get(2)), headerNodes());
    }

    @Test
    void aNodeThatDoesNotExistIsItemNotFound() throws Exception {
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, get(flexible.handle(iq("get", offlineItems("view", "999999")), phone)).errorCondition());
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, get(flexible.handle(iq("set", offlineItems("remove", "999999")), phone)).errorCondition());
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, get(flexible.handle(iq("get", offlineItems("view", "not-a-node")), phone)).errorCondition());
    }

    @Test
    void anotherUsersMessagesCannotBeRead() throws Exception {
        List<String> nodes = headerNodes();
        TestSession romeo = registry.bind(new TestSession("r1", "romeo@example.org/orchard", Instant.now()));
        Stanza asRomeo = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "romeo@example.org/orchard")
                .attribute("type", "get").attribute("id", "q2").child(offlineItems("view", nodes.get(0))).build());
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, get(flexible.handle(asRomeo, romeo)).errorCondition(), "his own store has no such node");
        Stanza toJuliet = asRomeo.withTo(JULIET);
        assertEquals(StanzaErrorCondition.FORBIDDEN, get(flexible.handle(toJuliet, romeo)).errorCondition());
        assertTrue(romeo.received.isEmpty());
    }

    @Test
    void fetchSendsAllAndKeepsThemPurgeDeletesAll() throws Exception {
        phone.received.clear();
        assertEquals("result", get(flexible.handle(iq("get", Element.builder("offline", FlexibleRetrieval.NAMESPACE)
                .child(Element.empty("fetch", FlexibleRetrieval.NAMESPACE)).build()), phone)).type());
        assertEquals(List.of("one", "two", "three"), phone.bodies());
        assertEquals(3, headerNodes().size());
        assertEquals("result", get(flexible.handle(iq("set", Element.builder("offline", FlexibleRetrieval.NAMESPACE)
                .child(Element.empty("purge", FlexibleRetrieval.NAMESPACE)).build()), phone)).type());
        assertEquals(List.of(), headerNodes());
    }

    private Stanza fetch() throws Exception {
        return get(flexible.handle(iq("get", Element.builder("offline", FlexibleRetrieval.NAMESPACE)
                .child(Element.empty("fetch", FlexibleRetrieval.NAMESPACE)).build()), phone));
    }

    @Test
    void fetchAndViewAskThePoliciesAsTheyAreNow_aRefusedMessageIsDeleted_anUndecidedOneKept() throws Exception {
        phone.received.clear();
        router.policy = m -> java.util.concurrent.CompletableFuture.completedFuture(!"two".equals(m.element().childText("body")));
        assertEquals("result", fetch().type());
        assertEquals(List.of("one", "three"), phone.bodies(), "the one the user's policy now refuses is not sent");
        assertEquals(2, headerNodes().size(), "and is deleted");

        phone.received.clear();
        router.policy = m -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("the block list is away"));
        assertEquals("result", fetch().type());
        assertTrue(phone.received.isEmpty(), "nothing unchecked");
        assertEquals(2, headerNodes().size(), "nothing dropped");

        router.policy = m -> java.util.concurrent.CompletableFuture.completedFuture(false);
        String first = headerNodes().get(0);
        phone.received.clear();
        assertEquals("result", get(flexible.handle(iq("get", offlineItems("view", first)), phone)).type());
        assertTrue(phone.received.isEmpty());
        assertEquals(1, headerNodes().size(), "a viewed message the policy refuses is deleted too");

        router = null;
        phone.received.clear();
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, fetch().errorCondition(), "routing away: try again, nothing sent");
        assertTrue(phone.received.isEmpty());
    }

    @Test
    void aClientThatAskedForTheCountFirstGetsNoFloodAtItsPresence() throws Exception {
        get(flexible.intercept(iq("get", disco(FlexibleRetrieval.DISCO_INFO)), phone));
        phone.received.clear();
        phone.available(0);
        offline.presence(phone);
        Thread.sleep(300);
        assertTrue(phone.received.isEmpty(), "no flood: " + phone.bodies());
        TestSession laptop = registry.bind(new TestSession("l1", "juliet@example.org/laptop", Instant.now()));
        laptop.available(0);
        offline.presence(laptop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (laptop.received.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(List.of("one", "two", "three"), laptop.bodies(), "a client that did not ask still gets them at presence");
    }

    @Test
    void aViewedMessageHandedBackUnacknowledgedIsNotStoredTwice() throws Exception {
        List<String> nodes = headerNodes();
        phone.received.clear();
        get(flexible.handle(iq("get", offlineItems("view", nodes.get(0))), phone));
        Stanza viewed = phone.received.get(0);
        assertTrue(get(offline.undeliverable(viewed, JULIET)), "taken: its row is still there");
        assertEquals(nodes, headerNodes(), "no second row");
    }
}
