package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Stanza;
import org.parley.roster.internal.SubscriptionPropertyTest.S;

/**
 * Random operations of two local users sent at the same moment so that they cross: each round,
 * two or three of subscribe, unsubscribe, subscribed, unsubscribed, roster set and roster remove,
 * from both users' resources (at least one from each side), are released together by a barrier
 * and run on a real 8-thread pool against real H2 storage. Whatever the interleaving, the result
 * must be one that RFC 6121 Appendix A gives for the same operations applied one after the other
 * in some order (the tables of {@link SubscriptionPropertyTest}, transcribed from the RFC; every
 * order of the round is a candidate): exactly one stored item per contact on each side (none where
 * the RFC keeps none), in that order's states on both sides at once, the sides agreeing (one's
 * "to" is the other's "from", one's pending out the other's pending in), and every resource that
 * asked for the roster holding, from its roster result and the pushes after it, exactly the
 * stored roster. A failure prints the seed and every round so far.
 *
 * <p>Checked that it bites: with the stanza path only (before the pair step), crossings such as a
 * cancellation and a new request crossing the approval of the first request leave the sides
 * disagreeing within a few seeds.
 */
class CrossingPropertyTest {
    private static final int SEQUENCES = 40;
    private static final int ROUNDS = 40;
    private static final String[] USERS = {"alice", "bob"};
    private static final String[] OPS = {"subscribe", "unsubscribe", "subscribed", "unsubscribed", "roster set", "roster remove"};

    /** The RFC's view of one user's record of the other: its Appendix A state, in the roster or not, pre-approved or not. */
    record Side(S state, boolean visible, boolean preApproved) {
        static final Side EMPTY = new Side(S.NONE, false, false);

        boolean exists() {
            return visible || state != S.NONE || preApproved;
        }
    }

    /** Both sides of the pair: {@code sides.get("alice")} is alice's record of bob. */
    static final class Model {
        final Map<String, Side> sides = new HashMap<>();

        Model copy() {
            Model m = new Model();
            m.sides.putAll(sides);
            return m;
        }

        Side side(String user) {
            return sides.getOrDefault(user, Side.EMPTY);
        }

        void put(String user, Side s) {
            sides.put(user, s);
        }

        /** One operation of {@code user} on their record of {@code other}, with what reaches the other side (Appendix A.2, 3.4, 2.5.2). */
        void apply(String op, String user, String other) {
            Side me = side(user);
            int i = me.state().ordinal();
            switch (op) {
                case "subscribe" -> {
                    put(user, new Side(SubscriptionPropertyTest.OUT_SUBSCRIBE[i], true, me.preApproved()));
                    inbound(other, user, "subscribe");
                }
                case "unsubscribe" -> {
                    put(user, new Side(SubscriptionPropertyTest.OUT_UNSUBSCRIBE[i], me.visible(), me.preApproved()));
                    inbound(other, user, "unsubscribe");
                }
                case "subscribed" -> {
                    S next = SubscriptionPropertyTest.OUT_SUBSCRIBED[i];
                    if (next != me.state()) {
                        put(user, new Side(next, true, false));
                        inbound(other, user, "subscribed");
                    } else if (!me.state().subscription.hasFrom()) {
                        put(user, new Side(me.state(), true, true)); // section 3.4: pre-approval
                    }
                }
                case "unsubscribed" -> {
                    S next = SubscriptionPropertyTest.OUT_UNSUBSCRIBED[i];
                    put(user, new Side(next, me.visible(), false));
                    if (next != me.state()) {
                        inbound(other, user, "unsubscribed");
                    }
                }
                case "roster set" -> put(user, new Side(me.state(), true, me.preApproved()));
                case "roster remove" -> {
                    if (!me.visible()) {
                        return; // item-not-found: nothing changes
                    }
                    put(user, Side.EMPTY);
                    if (me.state().subscription.hasTo() || me.state().pendingOut) {
                        inbound(other, user, "unsubscribe");
                    }
                    if (me.state().subscription.hasFrom() || me.state().pendingIn) {
                        inbound(other, user, "unsubscribed");
                    }
                }
                default -> throw new IllegalArgumentException(op);
            }
        }

        /** A subscription stanza from {@code from} reaches {@code to} (Appendix A.3, and 3.4 for pre-approvals). */
        private void inbound(String to, String from, String type) {
            Side side = side(to);
            int i = side.state().ordinal();
            switch (type) {
                case "subscribe" -> {
                    if (side.state().subscription.hasFrom()) {
                        inbound(from, to, "subscribed"); // section 3.1.3: answered on the contact's behalf
                    } else if (side.preApproved()) {
                        S next = switch (side.state()) {
                            case NONE -> S.FROM;
                            case NONE_PO -> S.FROM_PO;
                            case TO -> S.BOTH;
                            default -> throw new AssertionError("pre-approved in " + side.state());
                        };
                        put(to, new Side(next, side.visible(), false));
                        inbound(from, to, "subscribed");
                    } else {
                        put(to, new Side(SubscriptionPropertyTest.IN_SUBSCRIBE[i], side.visible(), false));
                    }
                }
                case "unsubscribe" -> put(to, new Side(SubscriptionPropertyTest.IN_UNSUBSCRIBE[i], side.visible(), side.preApproved()));
                case "subscribed" -> put(to, new Side(SubscriptionPropertyTest.IN_SUBSCRIBED[i], side.visible(), side.preApproved()));
                case "unsubscribed" -> put(to, new Side(SubscriptionPropertyTest.IN_UNSUBSCRIBED[i], side.visible(), side.preApproved()));
                default -> throw new IllegalArgumentException(type);
            }
        }
    }

    /** One operation of a round: who, from which resource, what. */
    record Op(String user, TestSession session, String op) {
        @Override
        public String toString() {
            return session.jid() + " " + op;
        }
    }

    private World world;
    private final Map<String, List<TestSession>> sessions = new LinkedHashMap<>();
    private ClientRosters clients;

    @Test
    void crossingOperationsOfTwoLocalUsersEndAsSomeOrderOfThemWouldOnBothSides() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        ExecutorService senders = Executors.newFixedThreadPool(3);
        try {
            for (int seed = 1; seed <= sequences(); seed++) {
                run(seed, threads, senders);
            }
        } finally {
            threads.shutdownNow();
            senders.shutdownNow();
        }
    }

    /** How many seeds: fewer where each world costs a database of its own on a server. */
    int sequences() {
        return SEQUENCES;
    }

    private void run(long seed, ExecutorService threads, ExecutorService senders) throws Exception {
        sessions.clear();
        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        Model model = new Model();
        try (World w = new World(Limits.DEFAULTS, USERS)) {
            world = w;
            clients = new ClientRosters(w);
            WorkerPool pool = new WorkerPool() {
                @Override
                public <T> CompletionStage<T> submit(Callable<T> work) {
                    return CompletableFuture.supplyAsync(() -> {
                        try {
                            return work.call();
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    }, threads);
                }
            };
            world.service = new RosterService(world.store, pool, world.handoff, () -> World.DOMAIN, Limits.DEFAULTS);
            world.service.setRouter(world);
            world.service.setRegistry(world);
            world.service.addDirectory(username -> CompletableFuture.completedFuture(world.accounts.contains(username)));
            world.presence = new PresenceInterceptor(world.service);
            world.iqs = new RosterIqHandler(world.service);
            for (String u : USERS) {
                List<TestSession> list = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    list.add(clients.signIn(u, "r" + r));
                }
                sessions.put(u, list);
            }
            for (int round = 0; round < ROUNDS; round++) {
                List<Op> ops = new ArrayList<>();
                int size = 2 + random.nextInt(2);
                for (int k = 0; k < size; k++) {
                    String user = k < 2 ? USERS[k] : USERS[random.nextInt(USERS.length)];
                    List<TestSession> own = sessions.get(user);
                    ops.add(new Op(user, own.get(random.nextInt(own.size())), OPS[random.nextInt(OPS.length)]));
                }
                log.add("round " + round + ": " + ops);
                cross(ops, senders);
                model = check(seed, log, model, ops);
            }
        }
    }

    /** Sends the round's operations at the same moment and waits until everything they caused was handled. */
    private void cross(List<Op> ops, ExecutorService senders) throws Exception {
        CyclicBarrier together = new CyclicBarrier(ops.size());
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (Op op : ops) {
            sent.add(senders.submit(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                    send(op);
                } catch (Throwable e) {
                    failed.add(e);
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertTrue(failed.isEmpty(), failed.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!world.service.idle() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(world.service.idle(), "everything was handled");
    }

    private void send(Op op) {
        String other = (op.user().equals("alice") ? "bob" : "alice") + "@example.org";
        switch (op.op()) {
            case "roster set" -> assertEquals("result", world.rosterSet(op.session(), World.item(other, "name", "G")).type());
            case "roster remove" -> {
                Stanza answer = world.rosterSet(op.session(), World.removal(other));
                // Refused (item-not-found) when a crossing removal took the item first: the model says which.
                assertTrue("result".equals(answer.type()) || "error".equals(answer.type()), "a removal is answered: " + answer);
            }
            default -> world.presence(op.session(), op.op(), other);
        }
    }

    /**
     * The model after the round: the outcome of the order of the round's operations that the
     * stored state matches; fails when it matches none.
     */
    private Model check(long seed, List<String> log, Model before, List<Op> ops) {
        String where = "seed " + seed + ":\n  " + String.join("\n  ", log);
        Map<String, RosterItem> actual = new HashMap<>();
        for (String u : USERS) {
            String other = u.equals("alice") ? "bob" : "alice";
            int rows = world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = '" + u + "'");
            RosterItem item = world.stored(u).item(other + "@example.org");
            assertEquals(item == null ? 0 : 1, rows, u + ": at most one stored item, the one for " + other + "; " + where);
            actual.put(u, item);
        }
        List<String> candidates = new ArrayList<>();
        Model matched = null;
        for (List<Op> order : orders(ops)) {
            Model m = before.copy();
            for (Op op : order) {
                m.apply(op.op(), op.user(), op.user().equals("alice") ? "bob" : "alice");
            }
            candidates.add(order + " -> alice " + m.side("alice") + ", bob " + m.side("bob"));
            if (matches(m, actual)) {
                matched = m;
                break;
            }
        }
        if (matched == null) {
            fail("alice has " + actual.get("alice") + ", bob has " + actual.get("bob") + "; no order of the round gives that:\n  "
                    + String.join("\n  ", candidates) + "\n" + where);
        }
        RosterItem a = actual.get("alice");
        RosterItem b = actual.get("bob");
        assertEquals(a != null && a.subscription().hasTo(), b != null && b.subscription().hasFrom(), "the sides agree; " + where);
        assertEquals(b != null && b.subscription().hasTo(), a != null && a.subscription().hasFrom(), "the sides agree; " + where);
        assertEquals(a != null && a.askOut(), b != null && b.pendingIn(), "a request pending on both sides; " + where);
        assertEquals(b != null && b.askOut(), a != null && a.pendingIn(), "a request pending on both sides; " + where);
        for (String u : USERS) {
            Roster stored = world.stored(u);
            for (TestSession s : sessions.get(u)) {
                assertEquals(stored.visible().stream().map(RosterItem::toElement).toList(), List.copyOf(clients.view(s).values()),
                        s.jid() + " sees the stored roster through its pushes; " + where);
            }
        }
        return matched;
    }

    private static boolean matches(Model m, Map<String, RosterItem> actual) {
        for (String u : USERS) {
            Side expected = m.side(u);
            RosterItem item = actual.get(u);
            if (item == null) {
                if (expected.exists()) {
                    return false;
                }
                continue;
            }
            if (!expected.exists() || expected.state().subscription != item.subscription() || expected.state().pendingOut != item.askOut()
                    || expected.state().pendingIn != item.pendingIn() || expected.visible() != item.inRoster()
                    || expected.preApproved() != item.approved()) {
                return false;
            }
        }
        return true;
    }

    /** Every order of the operations (a round has at most three). */
    private static List<List<Op>> orders(List<Op> ops) {
        if (ops.size() <= 1) {
            return List.of(ops);
        }
        List<List<Op>> result = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            List<Op> rest = new ArrayList<>(ops);
            Op first = rest.remove(i);
            for (List<Op> tail : orders(rest)) {
                List<Op> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                result.add(order);
            }
        }
        return result;
    }
}
