package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.TestSession;

/**
 * RFC 6121 Appendix A with stanzas that cross: two users send each other the same subscription
 * stanza at the same moment (released together by a barrier, handled on a real 8-thread pool with
 * real H2 storage), 200 pairs in a row. Each step must leave exactly one row per side and the two
 * sides in the mirrored state: both asked (pending out and pending in on each side), both approved
 * (both), both cancelled (none); with autoApprove the crossing requests end in both.
 *
 * <p>These crossings commute row by row (it passed even with the per-user line taken out), so it
 * proves the outcome for them; crossings that do not commute are {@link CrossingPropertyTest}'s.
 */
class CrossingSubscriptionsTest {
    private static final int PAIRS = 200;

    private static WorkerPool pool(ExecutorService threads) {
        return new WorkerPool() {
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
    }

    private static World world(ExecutorService threads, Limits limits) {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            users.add("a" + i);
            users.add("b" + i);
        }
        World world = new World(limits, users.toArray(new String[0]));
        world.service = new RosterService(world.store, pool(threads), world.handoff, () -> World.DOMAIN, limits);
        world.service.setRouter(world);
        world.service.setRegistry(world);
        world.service.addDirectory(username -> CompletableFuture.completedFuture(world.accounts.contains(username)));
        world.presence = new PresenceInterceptor(world.service);
        world.iqs = new RosterIqHandler(world.service);
        return world;
    }

    /** Both send at once; returns when everything they caused was handled. */
    private static void cross(World world, TestSession a, TestSession b, String type) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        List<Throwable> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread ta = new Thread(() -> send(world, together, a, type, b.bareJid().toString(), failed));
        Thread tb = new Thread(() -> send(world, together, b, type, a.bareJid().toString(), failed));
        ta.start();
        tb.start();
        ta.join(30_000);
        tb.join(30_000);
        assertTrue(failed.isEmpty(), failed.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!world.service.idle() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(world.service.idle(), "everything was handled");
    }

    private static void send(World world, CyclicBarrier together, TestSession s, String type, String to, List<Throwable> failed) {
        try {
            together.await(10, TimeUnit.SECONDS);
            world.presence(s, type, to);
        } catch (Exception e) {
            failed.add(e);
        }
    }

    private static RosterItem only(World world, String owner, String contact, String when) {
        assertEquals(1, world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = '" + owner + "'"),
                owner + ": exactly one row " + when);
        return world.stored(owner).item(contact + "@example.org");
    }

    @Test
    void crossingRequestsApprovalsAndCancellationsLeaveBothSidesMirrored() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (World world = world(threads, Limits.DEFAULTS)) {
            for (int i = 0; i < PAIRS; i++) {
                String a = "a" + i;
                String b = "b" + i;
                TestSession sa = world.bind(a, "r");
                TestSession sb = world.bind(b, "r");
                world.broadcast(sa, null);
                world.broadcast(sb, null);

                cross(world, sa, sb, "subscribe");
                for (String[] side : new String[][] {{a, b}, {b, a}}) {
                    RosterItem item = only(world, side[0], side[1], "after crossing requests (pair " + i + ")");
                    String what = side[0] + " has " + item + " (pair " + i + ")";
                    assertTrue(item.inRoster() && item.askOut() && item.pendingIn(), "asked and being asked: " + what);
                    assertEquals(Subscription.NONE, item.subscription(), what);
                }
                assertEquals(1, sa.received("presence", "subscribe").size(), "the request reached " + a + " once");
                assertEquals(1, sb.received("presence", "subscribe").size(), "the request reached " + b + " once");

                cross(world, sa, sb, "subscribed");
                for (String[] side : new String[][] {{a, b}, {b, a}}) {
                    RosterItem item = only(world, side[0], side[1], "after crossing approvals (pair " + i + ")");
                    String what = side[0] + " has " + item + " (pair " + i + ")";
                    assertEquals(Subscription.BOTH, item.subscription(), what);
                    assertFalse(item.askOut() || item.pendingIn() || item.approved(), what);
                }

                cross(world, sa, sb, "unsubscribe");
                for (String[] side : new String[][] {{a, b}, {b, a}}) {
                    RosterItem item = only(world, side[0], side[1], "after crossing cancellations (pair " + i + ")");
                    String what = side[0] + " has " + item + " (pair " + i + ")";
                    assertEquals(Subscription.NONE, item.subscription(), what);
                    assertFalse(item.askOut() || item.pendingIn() || item.approved(), what);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void withAutoApproveCrossingRequestsEndInBoth() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        Limits autoApprove = new Limits(1000, Limits.COLUMN, Limits.COLUMN, 64, true);
        try (World world = world(threads, autoApprove)) {
            for (int i = 0; i < PAIRS; i++) {
                TestSession sa = world.bind("a" + i, "r");
                TestSession sb = world.bind("b" + i, "r");
                cross(world, sa, sb, "subscribe");
                for (String[] side : new String[][] {{"a" + i, "b" + i}, {"b" + i, "a" + i}}) {
                    RosterItem item = only(world, side[0], side[1], "(pair " + i + ")");
                    String what = side[0] + " has " + item + " (pair " + i + ")";
                    assertEquals(Subscription.BOTH, item.subscription(), what);
                    assertFalse(item.askOut() || item.pendingIn(), what);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
