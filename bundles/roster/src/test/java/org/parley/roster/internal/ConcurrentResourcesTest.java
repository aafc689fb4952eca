package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * Two resources of alice and one of bob send subscription stanzas and roster changes at the same
 * time, on a real thread pool: whatever the interleaving, when everything has been handled each
 * side keeps one item for the other and the two agree (one's "to" is the other's "from", one's
 * pending request the other's pending one). Without the per-user line, a subscribe and an
 * unsubscribe of two of alice's resources could reach bob in the other order than alice's side
 * took them, and the sides disagreed.
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
                    RosterItem alices = world.stored("alice").item("bob@example.org");
                    RosterItem bobs = world.stored("bob").item("alice@example.org");
                    String states = "alice has " + alices + ", bob has " + bobs + " (round " + round + ")";
                    assertEquals(1, world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = 'alice'"), states);
                    Subscription a = alices == null ? Subscription.NONE : alices.subscription();
                    Subscription bb = bobs == null ? Subscription.NONE : bobs.subscription();
                    assertEquals(a.hasTo(), bb.hasFrom(), states);
                    assertEquals(a.hasFrom(), bb.hasTo(), states);
                    assertEquals(alices != null && alices.askOut(), bobs != null && bobs.pendingIn(), states);
                    assertEquals(bobs != null && bobs.askOut(), alices != null && alices.pendingIn(), states);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
