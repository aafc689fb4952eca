package org.parley.offline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.offline.OfflineMessageListener;
import org.parley.api.offline.OfflineMessageStored;
import org.parley.api.server.TestWorkers;
import org.parley.api.session.TestSession;
import org.parley.api.session.TestSessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** Offline storage on a real embedded H2 database; {@link PostgresOfflineMessagesTest} runs the same on PostgreSQL. */
class OfflineMessagesTest {
    private static final EntityBareJid JULIET = JidCreate.entityBareFromOrThrowUnchecked("juliet@example.org");
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00.250Z");

    @TempDir
    Path data;

    private TestSqlDatabase database;
    private TestWorkers workers;
    private TestSessionRegistry registry;
    private final List<OfflineMessageStored> events = new CopyOnWriteArrayList<>();
    private OfflineMessages offline;
    private int sessions;
    /** Routing at delivery; null while a test has it away. */
    private volatile PolicyRouter router = new PolicyRouter();

    /** A new empty database for one test: embedded H2 here. */
    TestSqlDatabase newDatabase() throws Exception {
        return TestSqlDatabase.h2(data);
    }

    @BeforeEach
    void setUp() throws Exception {
        database = newDatabase();
        workers = new TestWorkers();
        registry = new TestSessionRegistry();
        offline = start(new Quota(1000, 1_000_000));
    }

    private OfflineMessages start(Quota quota) {
        database.migrate(OfflineStore.MODULE, OfflineStore.MIGRATIONS);
        OfflineMessageListener listener = events::add;
        return new OfflineMessages(new OfflineStore(database.dataSource()), workers,
                () -> JidCreate.domainBareFromOrThrowUnchecked("example.org"), () -> registry, () -> List.of(listener), () -> router,
                Clock.fixed(NOW, ZoneOffset.UTC), quota);
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.close();
        database.shutdown();
    }

    private static Stanza message(String type, String body, Element... extra) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attribute("from", "romeo@example.org/orchard")
                .attribute("to", "juliet@example.org").attribute("id", "m1");
        if (type != null) {
            b.attribute("type", type);
        }
        if (body != null) {
            b.textChild("body", body);
        }
        for (Element e : extra) {
            b.child(e);
        }
        return Stanza.create(b.build());
    }

    private boolean store(Stanza message) throws Exception {
        return get(offline.undeliverable(message, JULIET));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private TestSession session(String resource) {
        sessions++;
        return registry.bind(new TestSession("s" + sessions, "juliet@example.org/" + resource, NOW.plusSeconds(sessions)));
    }

    private int rows() throws Exception {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM offline_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    /** Ends a session as the core does: it leaves the registry, then listeners hear of it. */
    private void end(TestSession s) {
        registry.unbind(s);
        offline.ended(s);
    }

    // ---- storing ----

    @Test
    void aChatMessageIsCommittedBeforeTheStageCompletes() throws Exception {
        CompletionStage<Boolean> taken = offline.undeliverable(message("chat", "wherefore"), JULIET);
        assertTrue(get(taken));
        assertEquals(1, rows(), "in the database as soon as the sender may be told");
    }

    @Test
    void theSizeForMonitoringCountsEveryUsersMessagesAndBytes() throws Exception {
        assertEquals(new org.parley.api.offline.OfflineStatistics.Size(0, 0), get(offline.size()));
        assertTrue(store(message("chat", "one")));
        assertTrue(get(offline.undeliverable(message("chat", "two"), JidCreate.entityBareFrom("romeo@example.org"))));
        org.parley.api.offline.OfflineStatistics.Size size = get(offline.size());
        assertEquals(2, size.messages());
        assertTrue(size.bytes() > 2 * "<message/>".length(), size.toString());
    }

    @Test
    void typesThatMustNotBeStoredAreLeftToRouting() throws Exception {
        assertFalse(store(message("groupchat", "room")));
        assertFalse(store(message("headline", "news")));
        assertFalse(store(message("error", "oops")));
        assertFalse(store(message("chat", "secret", Element.empty("no-store", OfflineMessages.HINTS))), "XEP-0334 no-store");
        assertEquals(0, rows());
        assertTrue(store(message(null, "no type is normal")));
        assertTrue(store(message("normal", "normal")));
        assertEquals(2, rows());
    }

    @Test
    void aStandaloneChatStateIsTakenButNotKept() throws Exception {
        assertTrue(store(message("chat", null, Element.empty("composing", OfflineMessages.CHAT_STATES))), "no error to the sender");
        assertEquals(0, rows());
        assertTrue(store(message("chat", "with a body", Element.empty("active", OfflineMessages.CHAT_STATES))));
        assertEquals(1, rows());
    }

    @Test
    void aMessageForAnAccountOfAnotherDomainIsNotStored() throws Exception {
        assertFalse(get(offline.undeliverable(message("chat", "far"), JidCreate.entityBareFrom("juliet@elsewhere.org"))));
        assertEquals(0, rows());
    }

    @Test
    void listenersAreToldAfterEachStoreWithHowManyWait() throws Exception {
        store(message("chat", "one"));
        store(message("chat", "two"));
        await(() -> events.size() == 2, "two events");
        OfflineMessageStored second = events.stream().filter(e -> e.waiting() == 2).findFirst().orElseThrow();
        assertEquals(JULIET, second.recipient());
        assertEquals("romeo@example.org/orchard", second.sender().toString());
        assertEquals(NOW, second.storedAt());
        assertEquals("two", second.message().element().childText("body"));
    }

    // ---- the quota ----

    @Test
    void pastTheCountQuotaTheSenderIsRefusedAndNothingStoredIsDropped() throws Exception {
        offline.quota(new Quota(2, 1_000_000));
        assertTrue(store(message("chat", "1")));
        assertTrue(store(message("chat", "2")));
        assertFalse(store(message("chat", "3")), "refused: routing answers service-unavailable");
        assertEquals(2, rows());
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(List.of("1", "2"), phone.bodies());
    }

    @Test
    void pastTheByteQuotaTheSenderIsRefused() throws Exception {
        assertTrue(store(message("chat", "x".repeat(400))));
        long one = bytesStored();
        offline.quota(new Quota(1000, one * 5 / 2));
        assertTrue(store(message("chat", "y".repeat(400))));
        assertFalse(store(message("chat", "z".repeat(400))), "a third does not fit in two and a half");
        assertTrue(store(message("chat", "short")), "a smaller one still fits");
        assertEquals(3, rows());
    }

    private long bytesStored() throws Exception {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT SUM(bytes) FROM offline_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aQuotaThatCannotWorkIsRefusedNamingItsKey() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Quota.from(new TestConfig(0, 100_000)));
        assertTrue(e.getMessage().contains("maxMessagesPerUser"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Quota.from(new TestConfig(10, 10)));
        assertTrue(e.getMessage().contains("maxBytesPerUser"), e.getMessage());
        assertEquals(new Quota(10, 2048), Quota.from(new TestConfig(10, 2048)));
    }

    // ---- delivering ----

    @Test
    void availablePresenceGetsEveryMessageInArrivalOrderWithADelayStamp() throws Exception {
        for (int i = 0; i < 5; i++) {
            store(message("chat", "m" + i));
        }
        TestSession phone = session("phone").available(0);
        offline.presence(phone);
        await(() -> phone.received.size() == 5, "five delivered");
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), phone.bodies());
        Element delay = phone.received.get(0).element().child("delay", OfflineMessages.DELAY);
        assertNotNull(delay, "XEP-0203 delay");
        assertEquals("example.org", delay.attribute("from"));
        assertEquals("2026-11-29T12:00:00.250Z", delay.attribute("stamp"));
        assertEquals("romeo@example.org/orchard", phone.received.get(0).from().toString(), "from the original sender");
        assertEquals(5, rows(), "kept until the session that got them ends");
    }

    // ---- the recipient's policies and the session's filters at delivery ----

    private static Stanza messageFrom(String from, String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", "juliet@example.org")
                .attribute("type", "chat").textChild("body", body).build());
    }

    @Test
    void aMessageFromSomeoneTheUserBlockedSinceItWasStoredIsWithheldAndDeleted_theRestGoInOrder() throws Exception {
        store(messageFrom("romeo@example.org/orchard", "r1"));
        store(messageFrom("tybalt@example.org/street", "t1"));
        store(messageFrom("romeo@example.org/orchard", "r2"));
        // Juliet blocks tybalt while she is away: the block list is the policy asked at delivery.
        router.policy = m -> CompletableFuture.completedFuture(!m.from().asBareJid().toString().equals("tybalt@example.org"));
        TestSession phone = session("phone").available(0);
        offline.presence(phone);
        await(() -> phone.received.size() == 2, "romeo's two delivered");
        Thread.sleep(200);
        assertEquals(List.of("r1", "r2"), phone.bodies(), "tybalt's withheld, the others in arrival order");
        assertEquals(List.of(JULIET, JULIET, JULIET), router.asked, "asked once per message, for the recipient's account");
        assertEquals(2, rows(), "tybalt's deleted; romeo's kept until the session ends");
        router.policy = m -> CompletableFuture.completedFuture(true); // unblocked: what was withheld does not come back
        end(phone);
        TestSession later = session("laptop").available(0);
        offline.presence(later);
        Thread.sleep(300);
        assertTrue(later.received.isEmpty(), "nothing more: " + later.bodies());
    }

    @Test
    void aPolicyThatAnswersLaterHoldsDeliveryUntilAllAnswered_inArrivalOrder() throws Exception {
        for (int i = 0; i < 3; i++) {
            store(message("chat", "m" + i));
        }
        List<CompletableFuture<Boolean>> pending = new CopyOnWriteArrayList<>();
        router.policy = m -> {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        };
        TestSession phone = session("phone").available(0);
        offline.presence(phone);
        await(() -> pending.size() == 3, "all three asked");
        pending.get(2).complete(true);
        pending.get(1).complete(true);
        Thread.sleep(200);
        assertTrue(phone.received.isEmpty(), "none before every answer is in");
        pending.get(0).complete(true);
        await(() -> phone.received.size() == 3, "all three once the first answered");
        assertEquals(List.of("m0", "m1", "m2"), phone.bodies());
    }

    @Test
    void whenNoPolicyCanDecideTheMessagesWaitForTheNextPresence() throws Exception {
        store(message("chat", "undecided"));
        router.policy = m -> CompletableFuture.failedFuture(new IllegalStateException("the block list's bundle is away"));
        TestSession phone = session("phone").available(0);
        offline.presence(phone);
        await(() -> router.asked.size() == 1, "asked");
        Thread.sleep(200);
        assertTrue(phone.received.isEmpty(), "not delivered unchecked (fail closed)");
        assertEquals(1, rows(), "and not dropped");
        router.policy = m -> CompletableFuture.completedFuture(true);
        offline.presence(phone);
        await(() -> phone.received.size() == 1, "delivered at the next presence");
    }

    @Test
    void whileRoutingIsAwayNothingGoesUncheckedAndItsReturnDelivers() throws Exception {
        store(message("chat", "waits for routing"));
        PolicyRouter back = router;
        router = null;
        TestSession phone = session("phone").available(0);
        offline.presence(phone);
        Thread.sleep(300);
        assertTrue(phone.received.isEmpty());
        assertEquals(1, rows());
        router = back;
        offline.routingBack();
        await(() -> phone.received.size() == 1, "delivered when routing is back");
    }

    @Test
    void theSessionsDeliveryFiltersSeeEachMessage_aRewriteIsDelivered_aWithheldOneIsSettledWithTheSession() throws Exception {
        store(message("chat", "keep"));
        store(message("chat", "hold"));
        List<String> seen = new CopyOnWriteArrayList<>();
        router.filters = (m, session) -> {
            seen.add(session.jid() + " " + m.element().childText("body"));
            if (m.element().childText("body").equals("hold")) {
                return null; // e.g. client state indication taking it to deliver later itself
            }
            return Stanza.create(m.element().toBuilder().attribute("id", "rewritten").build());
        };
        TestSession phone = session("phone").available(0).givingReceipts();
        offline.presence(phone);
        await(() -> phone.received.size() == 1, "the rewritten one delivered");
        assertEquals(List.of("juliet@example.org/phone keep", "juliet@example.org/phone hold"), seen);
        assertEquals("rewritten", phone.received.get(0).element().attribute("id"));
        assertEquals(1, phone.receipts().size(), "a receipt only for what this bundle delivered itself");
        phone.receipts().get(0).complete(true);
        await(() -> rowsNow() == 1, "the received one deleted at its receipt");
        end(phone);
        await(() -> rowsNow() == 0, "the one a filter took is settled when the session ends, as one without receipts");
    }

    @Test
    void aNegativePriorityGetsNothingUntilItIsRaised() throws Exception {
        store(message("chat", "later"));
        TestSession phone = session("phone").available(-1);
        offline.presence(phone);
        Thread.sleep(200);
        assertTrue(phone.received.isEmpty());
        phone.available(0);
        offline.presence(phone);
        await(() -> phone.received.size() == 1, "delivered at priority 0");
    }

    @Test
    void theResourceThatSentPresenceGetsThemOnce() throws Exception {
        store(message("chat", "once"));
        TestSession high = session("high").available(5);
        TestSession low = session("low").available(1);
        offline.presence(low);
        await(() -> low.received.size() == 1, "delivered to the resource that sent presence (XEP-0160 section 2)");
        offline.presence(high);
        Thread.sleep(200);
        assertEquals(0, high.received.size(), "a second presence gets nothing twice");
        assertEquals(1, low.received.size());
    }

    @Test
    void withoutAPresenceToFollowTheHighestPriorityResourceGetsThem() throws Exception {
        store(message("chat", "raced"));
        TestSession low = session("low").available(1);
        TestSession high = session("high").available(5);
        assertEquals(1, get(offline.deliverPending(JULIET)));
        assertEquals(1, high.received.size());
        assertTrue(low.received.isEmpty());
    }

    @Test
    void aMessageStoredWhileTheUserBecomesAvailableIsDeliveredAtOnce() throws Exception {
        TestSession phone = session("phone").available(0);
        store(message("chat", "raced"));
        await(() -> phone.received.size() == 1, "no wait for the next presence");
    }

    @Test
    void rowsAreDeletedWhenTheSessionThatGotThemEnds() throws Exception {
        store(message("chat", "a"));
        store(message("chat", "b"));
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(2, rows());
        end(phone);
        await(() -> {
            try {
                return rows() == 0;
            } catch (Exception e) {
                return false;
            }
        }, "deleted once the session ended");
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertTrue(laptop.received.isEmpty(), "nothing twice");
    }

    private int rowsNow() {
        try {
            return rows();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aReceivedMessageIsDeletedAtItsReceiptWhileTheSessionGoesOn() throws Exception {
        store(message("chat", "a"));
        store(message("chat", "b"));
        TestSession phone = session("phone").givingReceipts().available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(2, phone.receipts().size());
        phone.receipts().get(0).complete(true);
        await(() -> rowsNow() == 1, "the first deleted at its receipt, before the session ends");
        phone.receipts().get(1).complete(true);
        await(() -> rowsNow() == 0, "the second too");
        end(phone);
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertTrue(laptop.received.isEmpty(), "nothing twice");
    }

    @Test
    void aMessageWithoutAReceiptWaitsAgainAndGoesAtOnceToAnotherResource() throws Exception {
        store(message("chat", "a"));
        TestSession phone = session("phone").givingReceipts().available(5);
        get(offline.deliverPending(JULIET));
        TestSession laptop = session("laptop").givingReceipts().available(0);
        // The phone's connection is lost without stream management: its client may never have read it.
        registry.unbind(phone);
        phone.receipts().get(0).complete(false);
        offline.ended(phone);
        await(() -> laptop.received.size() == 1, "delivered again, to the resource still there");
        assertEquals(List.of("a"), laptop.bodies());
        assertEquals(1, rowsNow(), "kept until the laptop's receipt");
        laptop.receipts().get(0).complete(true);
        await(() -> rowsNow() == 0, "then deleted");
    }

    @Test
    void aMessageWhoseReceiptFailsWhenTheLastSessionEndsWaitsForTheNextSignIn() throws Exception {
        store(message("chat", "kept"));
        TestSession phone = session("phone").givingReceipts().available(0);
        get(offline.deliverPending(JULIET));
        end(phone); // the end is heard before the receipt fails: the row must survive both
        Thread.sleep(100);
        phone.receipts().get(0).complete(false);
        Thread.sleep(100);
        assertEquals(1, rowsNow(), "an end of session does not take a row still awaiting its receipt");
        TestSession again = session("phone").available(0);
        offline.presence(again);
        await(() -> again.received.size() == 1, "delivered at the next sign-in");
        assertEquals(List.of("kept"), again.bodies());
    }

    @Test
    void aSessionThatCannotTellKeepsTheRowUntilItEnds() throws Exception {
        store(message("chat", "a"));
        TestSession phone = session("phone").givingReceipts().available(0);
        get(offline.deliverPending(JULIET));
        phone.receipts().get(0).completeExceptionally(new IllegalStateException("the session core was upgraded"));
        Thread.sleep(100);
        assertEquals(1, rowsNow());
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertTrue(laptop.received.isEmpty(), "still held by the phone's live session");
        end(phone);
        await(() -> rowsNow() == 0, "deleted when the session ends, as without receipts");
    }

    @Test
    void aMessageHandedBackUnacknowledgedBeforeTheEndKeepsItsRowAndPlace() throws Exception {
        store(message("chat", "first"));
        store(message("chat", "second"));
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        // The session ends; the core hands back the second, never acknowledged (XEP-0198), before listeners hear of the end.
        registry.unbind(phone);
        assertTrue(store(phone.received.get(1)));
        offline.ended(phone);
        await(() -> {
            try {
                return rows() == 1;
            } catch (Exception e) {
                return false;
            }
        }, "the acknowledged one deleted");
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(List.of("second"), laptop.bodies());
        assertEquals(1, laptop.received.get(0).element().elements().stream().filter(e -> e.is("delay", OfflineMessages.DELAY)).count(),
                "one delay stamp, the original one");
        await(() -> events.size() >= 2, "an event for each message stored");
        Thread.sleep(100);
        assertEquals(2, events.size(), "handing back is not a new message");
    }

    @Test
    void aMessageHandedBackAfterTheEndIsStoredAgainNotLost() throws Exception {
        store(message("chat", "first"));
        store(message("chat", "second"));
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        end(phone);
        await(() -> {
            try {
                return rows() == 0;
            } catch (Exception e) {
                return false;
            }
        }, "deleted at the end");
        assertTrue(store(phone.received.get(1)));
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(List.of("second"), laptop.bodies());
        assertEquals("2026-11-29T12:00:00.250Z", laptop.received.get(0).element().child("delay", OfflineMessages.DELAY)
                .attribute("stamp"), "the time it was first stored");
    }

    @Test
    void afterACrashMessagesDeliveredToASessionThatNeverEndedAreDeliveredAgain() throws Exception {
        store(message("chat", "survives"));
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(1, phone.received.size());

        // kill -9: no end of session is ever heard; the next run has no such session, and the database is reopened.
        workers.close();
        database.shutdown();
        registry = new TestSessionRegistry();
        workers = new TestWorkers();
        database = database.reopened();
        offline = start(new Quota(1000, 1_000_000));
        TestSession again = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(List.of("survives"), again.bodies());
    }

    @Test
    void atStartUsersAlreadyOnlineGetWhatWaits() throws Exception {
        store(message("chat", "during the upgrade"));
        TestSession phone = session("phone").available(0);
        TestSession other = registry.bind(new TestSession("o1", "romeo@example.org/x", NOW));
        other.available(0);
        assertEquals(1, get(offline.deliverToOnlineUsers()));
        assertEquals(List.of("during the upgrade"), phone.bodies());
        assertTrue(other.received.isEmpty());
    }

    // ---- settling receipts in batches, and the quota's counters ----

    private List<Long> ids() throws Exception {
        List<Long> ids = new java.util.ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM offline_message ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The counters the quota reads against what the rows hold. */
    private void assertCountersMatchTheRows() throws Exception {
        long[] counted = offline.store().usage("juliet");
        assertEquals(rows(), counted[0], "counted messages");
        assertEquals(rows() == 0 ? 0 : bytesStored(), counted[1], "counted bytes");
    }

    private void storeMany(int n) throws Exception {
        offline.quota(new Quota(n, 100_000_000));
        List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(offline.undeliverable(message("chat", "m" + i), JULIET).toCompletableFuture());
            if (all.size() == 50) { // the test pool has no queue bound, but the database has few connections
                for (CompletableFuture<Boolean> f : all) {
                    assertTrue(f.get(30, TimeUnit.SECONDS));
                }
                all.clear();
            }
        }
        for (CompletableFuture<Boolean> f : all) {
            assertTrue(f.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void receiptsCompletedWhileThePoolRefusesEverythingAreAllSettledLater_inFewTasks_andNothingUnreceivedIsDeleted() throws Exception {
        int n = 600; // more than one batch of Settlement.BATCH
        storeMany(n);
        List<Long> ids = ids();
        assertEquals(n, ids.size());
        TestSession phone = session("phone").givingReceipts().available(0);
        get(offline.deliverPending(JULIET));
        List<CompletableFuture<Boolean>> receipts = phone.receipts();
        assertEquals(n, receipts.size());

        workers.full = true; // the shared pool refuses every task, as it did in the benchmark
        int before = workers.submitted.get();
        java.util.Set<Long> kept = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (i % 100 == 7) {
                receipts.get(i).complete(false); // not surely received: waits again
                kept.add(ids.get(i));
            } else if (i % 100 == 13) {
                kept.add(ids.get(i)); // no receipt yet: must stay
            } else if (i % 100 == 29) {
                receipts.get(i).completeExceptionally(new IllegalStateException("cannot tell")); // held until the session ends
                kept.add(ids.get(i));
            } else {
                receipts.get(i).complete(true);
            }
        }
        Thread.sleep(300);
        assertEquals(n, rows(), "nothing deleted while the pool refuses, and nothing forgotten either");
        assertEquals(before, workers.submitted.get());
        assertTrue(offline.settlement().pending() >= n - 18, "queued: " + offline.settlement().pending());

        workers.full = false; // no new receipt comes: the retry alone must settle what is queued
        await(() -> rowsNow() == kept.size(), "every received row deleted once the pool takes work again");
        assertEquals(List.copyOf(kept), ids(), "exactly the rows not received are left");
        assertTrue(workers.submitted.get() - before <= 10, "a few drains, not a task per receipt: " + (workers.submitted.get() - before));
        assertCountersMatchTheRows();

        // The 6 rows whose receipt said "not received" went back to waiting and go again to the phone, still there.
        await(() -> phone.received.size() == n + 6, "the 6 not surely received delivered again at once");
        for (int i = n; i < phone.receipts().size(); i++) {
            phone.receipts().get(i).complete(true);
        }
        await(() -> rowsNow() == 12, "then deleted at their receipts");
        end(phone);
        await(() -> rowsNow() == 6, "the end takes the 6 whose receipt could not tell");
        assertCountersMatchTheRows();
        TestSession laptop = session("laptop").available(0);
        get(offline.deliverPending(JULIET));
        assertEquals(6, laptop.received.size(), "only the 6 never receipted come at the next sign-in");
    }

    @Test
    void aDeliveryTheFullPoolRefusedIsTriedAgainWhenItHasRoom_withoutAnotherPresence() throws Exception {
        assertTrue(store(message("chat", "1")));
        assertTrue(store(message("chat", "2")));
        TestSession phone = session("phone").available(0);
        workers.full = true; // a burst of sign-ins filled the shared pool, as in the capacity benchmark
        CompletableFuture<Integer> delivery = offline.deliverPending(JULIET).toCompletableFuture();
        Thread.sleep(850); // a dozen refusals by now
        assertFalse(delivery.isDone(), "still waiting for room, not given up");
        assertEquals(List.of(), phone.bodies());
        assertEquals(2, rows());

        workers.full = false;
        assertEquals(2, get(delivery), "delivered by a retry: the user sent nothing more");
        assertEquals(List.of("1", "2"), phone.bodies());
    }

    @Test
    void retriesWaitingWhenTheComponentStopsGiveUp_andWhatWaitsStaysStored() throws Exception {
        assertTrue(store(message("chat", "1")));
        TestSession phone = session("phone").available(0);
        workers.full = true;
        CompletableFuture<Integer> delivery = offline.deliverPending(JULIET).toCompletableFuture();
        offline.close();
        workers.full = false;
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> delivery.get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof org.parley.api.server.WorkRejectedException, String.valueOf(failed.getCause()));
        assertEquals(List.of(), phone.bodies(), "the stopped instance delivers nothing: its successor delivers to the users online");
        assertEquals(1, rows());
    }

    @Test
    void receiptsQueuedWhenTheBundleStopsAreSettledByItsSuccessor() throws Exception {
        storeMany(40);
        TestSession phone = session("phone").givingReceipts().available(0);
        get(offline.deliverPending(JULIET));
        workers.full = true;
        for (int i = 0; i < 30; i++) {
            phone.receipts().get(i).complete(true);
        }
        phone.receipts().get(30).complete(false);
        phone.receipts().get(31).completeExceptionally(new IllegalStateException("cannot tell"));
        // Deactivation: what is queued goes into the handoff as plain values, and the successor settles it.
        Object handedOver = OfflineComponent.unsettled(offline.settlement().close());
        assertEquals(32, ((List<?>) handedOver).size());
        workers.full = false;
        OfflineMessages successor = start(new Quota(1000, 1_000_000));
        offline = successor;
        successor.settlement().addAll(OfflineComponent.unsettled(handedOver));
        await(() -> rowsNow() == 10, "the 30 received deleted by the successor");
        await(() -> phone.received.size() == 41, "the one not surely received waits again and goes at once");
        assertCountersMatchTheRows();
    }

    @Test
    void concurrentSendersNeverGetPastTheQuota_andTheCountersStayExact() throws Exception {
        offline.quota(new Quota(100, 100_000_000));
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < 8; t++) {
                int sender = t;
                for (int i = 0; i < 20; i++) {
                    int m = i;
                    results.add(senders.submit(() -> {
                        start.await();
                        return get(offline.undeliverable(message("chat", "s" + sender + "-" + m + "x".repeat(m)), JULIET));
                    }));
                }
            }
            start.countDown();
            int taken = 0;
            for (var r : results) {
                taken += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(100, taken, "exactly the quota taken, the rest refused");
        } finally {
            senders.shutdownNow();
        }
        assertEquals(100, rows());
        assertCountersMatchTheRows();
        // A byte quota under concurrency: the bytes now stored plus room for about one more message.
        long used = bytesStored();
        offline.quota(new Quota(1000, used + 60));
        List<CompletableFuture<Boolean>> racing = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            racing.add(offline.undeliverable(message("chat", "r" + i), JULIET).toCompletableFuture());
        }
        int fits = 0;
        for (CompletableFuture<Boolean> f : racing) {
            fits += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertTrue(bytesStored() <= used + 60, "never past the byte quota");
        assertEquals(100 + fits, rows());
        assertCountersMatchTheRows();
    }

    @Test
    void everyDeletionTakesItsRowsOffTheCounters() throws Exception {
        storeMany(6);
        assertCountersMatchTheRows();
        TestSession phone = session("phone").available(0);
        get(offline.deliverPending(JULIET));
        end(phone); // deleted at the end of a session without receipts
        await(() -> rowsNow() == 0, "deleted at the end");
        assertCountersMatchTheRows();
        storeMany(4);
        assertTrue(offline.store().delete("juliet", ids().get(0)));
        assertCountersMatchTheRows();
        assertEquals(3, offline.store().deleteAll("juliet"));
        assertCountersMatchTheRows();
    }

    @Test
    void aCounterSayingMoreThanIsStoredDoesNotRefuseASender() throws Exception {
        offline.quota(new Quota(3, 1_000_000));
        assertTrue(store(message("chat", "1")));
        // As after rows deleted by a version of the bundle that kept no counters.
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE offline_usage SET messages = 3 WHERE username = 'juliet'")) {
            assertEquals(1, ps.executeUpdate());
        }
        assertTrue(store(message("chat", "2")), "recounted before refusing");
        assertCountersMatchTheRows();
        assertTrue(store(message("chat", "3")));
        assertFalse(store(message("chat", "4")), "the real quota still holds");
        assertEquals(3, rows());
    }

    @Test
    void rowsStoredWithoutCountingThemDoNotDriveTheCountersBelowZero() throws Exception {
        offline.quota(new Quota(3, 1_000_000));
        assertTrue(store(message("chat", "1")));
        // As after a version of the bundle without counters stored three more, then all are deleted here.
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO offline_message (username, stanza, bytes, stored_at) "
                     + "SELECT username, stanza, bytes, stored_at FROM offline_message WHERE username = 'juliet'")) {
            assertEquals(1, ps.executeUpdate());
            assertEquals(2, ps.executeUpdate());
        }
        assertEquals(4, offline.store().deleteAll("juliet"), "one counted, three not");
        assertCountersMatchTheRows();
        assertTrue(store(message("chat", "a")));
        assertTrue(store(message("chat", "b")));
        assertTrue(store(message("chat", "c")));
        assertFalse(store(message("chat", "d")), "the quota holds again");
    }

    @Test
    void theMigrationCountsWhatAnEarlierVersionStored() throws Exception {
        TestSqlDatabase old = newDatabase();
        try {
            old.migrate(OfflineStore.MODULE, OfflineStore.MIGRATIONS.subList(0, 1));
            try (Connection c = old.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "INSERT INTO offline_message (username, stanza, bytes, stored_at) VALUES (?, '<message/>', ?, 0)")) {
                for (int i = 0; i < 5; i++) {
                    ps.setString(1, i < 3 ? "juliet" : "romeo");
                    ps.setInt(2, 100 + i);
                    ps.executeUpdate();
                }
            }
            old.migrate(OfflineStore.MODULE, OfflineStore.MIGRATIONS);
            OfflineStore store = new OfflineStore(old.dataSource());
            assertEquals(List.of(3L, 303L), java.util.Arrays.stream(store.usage("juliet")).boxed().toList());
            assertEquals(List.of(2L, 207L), java.util.Arrays.stream(store.usage("romeo")).boxed().toList());
        } finally {
            old.shutdown();
        }
    }

    // ---- the stored form ----

    @Test
    void theStoredFormReadsBackToAnEqualStanza() {
        Stanza original = Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "romeo@example.org/o")
                .attribute("to", "juliet@example.org").attribute("type", "chat").attribute("xml:lang", "en").attribute("{urn:example:q}flag", "on")
                .textChild("body", "<b>&'\"\n\ttabs \uD83D\uDE00")
                .child(Element.builder("x", "urn:example:ext").attribute("a", "1").child(Element.empty("y", "urn:example:other")).build())
                .build());
        assertEquals(original.element(), StanzaCodec.decode(StanzaCodec.encode(original)).element());
    }

    @Test
    void aDamagedRowIsReportedNotDelivered() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StanzaCodec.decode("<message><body>cut"));
        assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    }

    /** OfflineConfig as SCR builds it from a configuration. */
    private record TestConfig(int maxMessagesPerUser, long maxBytesPerUser) implements OfflineConfig {
        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return OfflineConfig.class;
        }
    }
}
