package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.TestSession;

/**
 * Two resources of alice and one of bob send subscription stanzas and roster changes at the same
 * time, on a real thread pool. Whatever the interleaving: each side keeps at most one item for the
 * other, every item is in one of the states of RFC 6121 Appendix A (no pending request beside the
 * subscription it asks for, no pre-approval beside an approved one), nothing is left running, and
 * the two removals of RFC 6121 section 2.5 leave no record on either side, after which a new
 * request and approval work as on a fresh roster.
 *
 * <p>And the two sides agree (one's "to" is the other's "from", one's pending out the other's
 * pending in): between two local users both sides of each operation are applied in one step, so
 * a "subscribed" answering a request the sender has cancelled and made again meanwhile cannot
 * reach a side that has moved on. (Between two servers RFC 6121 does not give that; see
 * {@link CrossingPropertyTest} for the state each crossing must end in.)
 */
class ConcurrentResourcesTest {
    private static final String[] TYPES = {"subscribe", "unsubscribe", "subscribed", "unsubscribed"};

    @Test
    void concurrentOperationsFromSeveralResourcesLeaveBothSidesAgreeing() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        WorkerPool pool = new WorkerPool() {
            @Override
            public <T> CompletionStage<T> submit(Callable<T> work) {
                return CompletableFuture.supplyAsync(() -> {
                    try {
                        return work.call();
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, threads);
            }
        };
        try {
            for (int round = 0; round < 20; round++) {
                try (World world = new World(Limits.DEFAULTS, "alice", "bob")) {
                    world.service = new RosterService(world.store, pool, world.handoff, () -> World.DOMAIN, Limits.DEFAULTS);
                    world.service.setRouter(world);
                    world.service.setRegistry(world);
                    world.presence = new PresenceInterceptor(world.service);
                    world.iqs = new RosterIqHandler(world.service);
                    TestSession a1 = world.bind("alice", "one");
                    TestSession a2 = world.bind("alice", "two");
                    TestSession b = world.bind("bob", "desk");
                    List<Thread> clients = new ArrayList<>();
                    int seed = round;
                    for (TestSession s : List.of(a1, a2, b)) {
                        String other = s == b ? "alice@example.org" : "bob@example.org";
                        Random random = new Random(seed * 31L + s.jid().hashCode());
                        clients.add(new Thread(() -> {
                            for (int i = 0; i < 40; i++) {
                                if (random.nextInt(8) == 0) {
                                    world.rosterSet(s, World.item(other, "n" + i));
                                } else {
                                    world.presence(s, TYPES[random.nextInt(TYPES.length)], other);
                                }
                            }
                        }));
                    }
                    clients.forEach(Thread::start);
                    for (Thread t : clients) {
                        t.join(60_000);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!world.service.idle() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertTrue(world.service.idle(), "everything was handled");
                    for (String[] side : new String[][] {{"alice", "bob"}, {"bob", "alice"}}) {
                        RosterItem item = world.stored(side[0]).item(side[1] + "@example.org");
                        String what = side[0] + " has " + item + " (round " + round + ")";
                        assertTrue(world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = '" + side[0] + "'") <= 1, what);
                        if (item != null) {
                            assertFalse(item.askOut() && item.subscription().hasTo(), what);
                            assertFalse(item.pendingIn() && item.subscription().hasFrom(), what);
                            assertFalse(item.approved() && item.subscription().hasFrom(), what);
                            assertTrue(item.inRoster() || item.pendingIn(), "a hidden record is only a pending request: " + what);
                        }
                        RosterItem other = world.stored(side[1]).item(side[0] + "@example.org");
                        what += ", " + side[1] + " has " + other;
                        assertEquals(item != null && item.subscription().hasTo(), other != null && other.subscription().hasFrom(),
                                "the sides agree: " + what);
                        assertEquals(item != null && item.askOut(), other != null && other.pendingIn(), "the sides agree: " + what);
                    }
                    // Both remove the other: nothing is left, not even a pending request re-created by a late stanza.
                    world.service = new RosterService(world.store, World.SYNC, world.handoff, () -> World.DOMAIN, Limits.DEFAULTS);
                    world.service.setRouter(world);
                    world.service.setRegistry(world);
                    world.presence = new PresenceInterceptor(world.service);
                    world.iqs = new RosterIqHandler(world.service);
                    for (TestSession s : List.of(a1, b)) {
                        String other = s == b ? "alice@example.org" : "bob@example.org";
                        if (world.stored(s == b ? "bob" : "alice").item(other) != null
                                && world.stored(s == b ? "bob" : "alice").item(other).inRoster()) {
                            assertEquals("result", world.rosterSet(s, World.removal(other)).type());
                        } else if (world.stored(s == b ? "bob" : "alice").item(other) != null) {
                            world.presence(s, "unsubscribed", other); // a hidden request: refused
                        }
                    }
                    assertEquals(0, world.database.count("SELECT COUNT(*) FROM roster_item"), "round " + round);
                    world.presence(a1, "subscribe", "bob@example.org");
                    world.presence(b, "subscribed", "alice@example.org");
                    assertEquals(Subscription.TO, world.stored("alice").item("bob@example.org").subscription());
                    assertEquals(Subscription.FROM, world.stored("bob").item("alice@example.org").subscription());
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
