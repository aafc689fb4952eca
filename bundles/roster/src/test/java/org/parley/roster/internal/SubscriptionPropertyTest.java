package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Stanza;

/**
 * Random sequences of roster and subscription operations, by three users from several resources,
 * checked after every step against RFC 6121 Appendix A as it is written: the state tables below
 * are transcribed from the RFC, not derived from the implementation. After each step, for every
 * pair of users: exactly one stored item per contact on each side (or none where the RFC keeps
 * none), in the state the tables say; the two sides agree (one's "to" is the other's "from", one's
 * pending out the other's pending in); and every resource that asked for the roster sees, from
 * its roster result and the pushes after it, exactly the stored roster. A user who signs in again
 * is given every request still waiting for an answer.
 */
class SubscriptionPropertyTest {
    private static final int SEQUENCES = 150;
    private static final int STEPS = 60;

    /** RFC 6121 Appendix A.1's nine states, in the order of the table rows below. */
    enum S {
        NONE(Subscription.NONE, false, false), NONE_PO(Subscription.NONE, true, false), NONE_PI(Subscription.NONE, false, true),
        NONE_PO_PI(Subscription.NONE, true, true), TO(Subscription.TO, false, false), TO_PI(Subscription.TO, false, true),
        FROM(Subscription.FROM, false, false), FROM_PO(Subscription.FROM, true, false), BOTH(Subscription.BOTH, false, false);

        final Subscription subscription;
        final boolean pendingOut;
        final boolean pendingIn;

        S(Subscription subscription, boolean pendingOut, boolean pendingIn) {
            this.subscription = subscription;
            this.pendingOut = pendingOut;
            this.pendingIn = pendingIn;
        }
    }

    private static final S NONE = S.NONE, NONE_PO = S.NONE_PO, NONE_PI = S.NONE_PI, NONE_PO_PI = S.NONE_PO_PI, TO = S.TO,
            TO_PI = S.TO_PI, FROM = S.FROM, FROM_PO = S.FROM_PO, BOTH = S.BOTH;

    // Each row: the new state for None, None+PO, None+PI, None+PO+PI, To, To+PI, From, From+PO, Both.
    /** A.2.1 outbound subscribe. */
    static final S[] OUT_SUBSCRIBE = {NONE_PO, NONE_PO, NONE_PO_PI, NONE_PO_PI, TO, TO_PI, FROM_PO, FROM_PO, BOTH};
    /** A.2.2 outbound unsubscribe. */
    static final S[] OUT_UNSUBSCRIBE = {NONE, NONE, NONE_PI, NONE_PI, NONE, NONE_PI, FROM, FROM, FROM};
    /** A.2.3 outbound subscribed. */
    static final S[] OUT_SUBSCRIBED = {NONE, NONE_PO, FROM, FROM_PO, TO, BOTH, FROM, FROM_PO, BOTH};
    /** A.2.4 outbound unsubscribed. */
    static final S[] OUT_UNSUBSCRIBED = {NONE, NONE_PO, NONE, NONE_PO, TO, TO, NONE, NONE_PO, TO};
    /** A.3.1 inbound subscribe. */
    static final S[] IN_SUBSCRIBE = {NONE_PI, NONE_PO_PI, NONE_PI, NONE_PO_PI, TO_PI, TO_PI, FROM, FROM_PO, BOTH};
    /** A.3.2 inbound unsubscribe. */
    static final S[] IN_UNSUBSCRIBE = {NONE, NONE_PO, NONE, NONE_PO, TO, TO, NONE, NONE_PO, TO};
    /** A.3.3 inbound subscribed. */
    static final S[] IN_SUBSCRIBED = {NONE, TO, NONE_PI, TO_PI, TO, TO_PI, FROM, BOTH, BOTH};
    /** A.3.4 inbound unsubscribed. */
    static final S[] IN_UNSUBSCRIBED = {NONE, NONE, NONE_PI, NONE_PI, NONE, NONE_PI, FROM, FROM, FROM};

    /** One user's view of one contact in the model: the Appendix A state, in the roster or not, pre-approved or not. */
    static final class Side {
        S state = NONE;
        boolean visible;
        boolean preApproved;

        boolean exists() {
            return visible || state != NONE || preApproved;
        }
    }

    private static final String[] USERS = {"alice", "bob", "carol"};
    private final Map<String, Side> model = new HashMap<>();
    private final Map<String, List<TestSession>> sessions = new LinkedHashMap<>();
    private World world;
    private ClientRosters clients;

    private Side side(String user, String contact) {
        return model.computeIfAbsent(user + ">" + contact, k -> new Side());
    }

    @Test
    void anySequenceOfOperationsLeavesBothSidesInTheStatesOfAppendixA() {
        for (int seed = 1; seed <= SEQUENCES; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        model.clear();
        sessions.clear();
        world = new World(new Limits(100, 100, 100, 10, false), USERS);
        clients = new ClientRosters(world);
        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        try {
            for (String u : USERS) {
                signIn(u, 1 + random.nextInt(2));
            }
            for (int step = 0; step < STEPS; step++) {
                String x = USERS[random.nextInt(USERS.length)];
                String y = USERS[(indexOf(x) + 1 + random.nextInt(USERS.length - 1)) % USERS.length];
                List<TestSession> own = sessions.get(x);
                TestSession s = own.get(random.nextInt(own.size()));
                int op = random.nextInt(8);
                log.add(s.jid() + " " + describe(op) + " " + y);
                apply(op, s, x, y);
                check(seed, log);
            }
        } finally {
            world.close();
        }
    }

    private static int indexOf(String user) {
        for (int i = 0; i < USERS.length; i++) {
            if (USERS[i].equals(user)) {
                return i;
            }
        }
        throw new IllegalArgumentException(user);
    }

    private static String describe(int op) {
        return switch (op) {
            case 0 -> "subscribe";
            case 1 -> "unsubscribe";
            case 2 -> "subscribed";
            case 3 -> "unsubscribed";
            case 4 -> "roster set";
            case 5 -> "roster remove";
            case 6 -> "signs in again, then asks";
            default -> "subscribe (again)";
        };
    }

    private void apply(int op, TestSession s, String x, String y) {
        String yJid = y + "@example.org";
        Side me = side(x, y);
        switch (op) {
            case 0, 7 -> {
                world.presence(s, "subscribe", yJid);
                me.state = OUT_SUBSCRIBE[me.state.ordinal()];
                me.visible = true;
                inbound(y, x, "subscribe");
            }
            case 1 -> {
                world.presence(s, "unsubscribe", yJid);
                me.state = OUT_UNSUBSCRIBE[me.state.ordinal()];
                inbound(y, x, "unsubscribe");
            }
            case 2 -> {
                world.presence(s, "subscribed", yJid);
                S next = OUT_SUBSCRIBED[me.state.ordinal()];
                if (next != me.state) {
                    me.state = next;
                    me.visible = true;
                    me.preApproved = false;
                    inbound(y, x, "subscribed");
                } else if (!me.state.subscription.hasFrom()) {
                    me.preApproved = true; // RFC 6121 section 3.4.1: the server supports pre-approval
                    me.visible = true;
                }
            }
            case 3 -> {
                world.presence(s, "unsubscribed", yJid);
                S next = OUT_UNSUBSCRIBED[me.state.ordinal()];
                me.preApproved = false;
                if (next != me.state) {
                    me.state = next;
                    inbound(y, x, "unsubscribed");
                }
            }
            case 4 -> {
                assertEquals("result", world.rosterSet(s, World.item(yJid, "name of " + y, "G")).type());
                me.visible = true;
            }
            case 5 -> {
                Stanza answer = world.rosterSet(s, World.removal(yJid));
                if (!me.visible) {
                    assertEquals("error", answer.type(), "removing what is not in the roster");
                    return;
                }
                assertEquals("result", answer.type());
                S was = me.state;
                model.put(x + ">" + y, new Side());
                // RFC 6121 section 2.5.2: the removal cancels both ways.
                if (was.subscription.hasTo() || was.pendingOut) {
                    inbound(y, x, "unsubscribe");
                }
                if (was.subscription.hasFrom() || was.pendingIn) {
                    inbound(y, x, "unsubscribed");
                }
            }
            case 6 -> {
                signOut(x);
                TestSession fresh = signIn(x, 1).get(0);
                for (String other : USERS) {
                    boolean waiting = side(x, other).state.pendingIn;
                    long delivered = fresh.received.stream().filter(p -> "subscribe".equals(p.type())
                            && p.from().toString().equals(other + "@example.org")).count();
                    assertEquals(waiting ? 1 : 0, delivered, x + " signing in gets the request of " + other + " iff it waits");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** A subscription stanza from {@code from} reaches {@code to}'s server (Appendix A.3, and 3.4 for pre-approvals). */
    private void inbound(String to, String from, String type) {
        Side side = side(to, from);
        int i = side.state.ordinal();
        switch (type) {
            case "subscribe" -> {
                if (side.state.subscription.hasFrom()) {
                    inbound(from, to, "subscribed"); // section 3.1.3: answered on the contact's behalf
                } else if (side.preApproved) {
                    side.state = switch (side.state) {
                        case NONE -> FROM;
                        case NONE_PO -> FROM_PO;
                        case TO -> BOTH;
                        default -> throw new AssertionError("pre-approved in " + side.state);
                    };
                    side.preApproved = false;
                    inbound(from, to, "subscribed");
                } else {
                    side.state = IN_SUBSCRIBE[i];
                }
            }
            case "unsubscribe" -> side.state = IN_UNSUBSCRIBE[i];
            case "subscribed" -> side.state = IN_SUBSCRIBED[i];
            case "unsubscribed" -> side.state = IN_UNSUBSCRIBED[i];
            default -> throw new IllegalArgumentException(type);
        }
    }

    private List<TestSession> signIn(String user, int resources) {
        List<TestSession> list = new ArrayList<>();
        for (int r = 0; r < resources; r++) {
            list.add(clients.signIn(user, "r" + r + "-" + System.nanoTime()));
        }
        sessions.put(user, list);
        return list;
    }

    private void signOut(String user) {
        for (TestSession s : sessions.remove(user)) {
            world.end(s);
            clients.forget(s);
        }
    }

    private void check(long seed, List<String> log) {
        String where = "seed " + seed + ", after:\n  " + String.join("\n  ", log);
        for (String u : USERS) {
            Roster stored = world.stored(u);
            for (String c : USERS) {
                if (c.equals(u)) {
                    continue;
                }
                Side expected = side(u, c);
                RosterItem item = stored.item(c + "@example.org");
                int rows = world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = '" + u + "' AND contact = '" + c
                        + "@example.org'");
                assertEquals(expected.exists() ? 1 : 0, rows, u + "'s items for " + c + "; " + where);
                if (item == null) {
                    continue;
                }
                String what = u + "'s item for " + c + " " + item + " should be " + expected.state + (expected.visible ? " in the roster" : "")
                        + (expected.preApproved ? " pre-approved" : "") + "; " + where;
                assertEquals(expected.state.subscription, item.subscription(), what);
                assertEquals(expected.state.pendingOut, item.askOut(), what);
                assertEquals(expected.state.pendingIn, item.pendingIn(), what);
                assertEquals(expected.visible, item.inRoster(), what);
                assertEquals(expected.preApproved, item.approved(), what);
                RosterItem other = world.stored(c).item(u + "@example.org");
                Subscription theirs = other == null ? Subscription.NONE : other.subscription();
                assertEquals(item.subscription().hasTo(), theirs.hasFrom(), "both sides agree on " + u + " seeing " + c + "; " + where);
                assertEquals(item.askOut(), other != null && other.pendingIn(), "a request pending on both sides; " + where);
            }
            for (TestSession s : sessions.get(u)) {
                assertEquals(stored.visible().stream().map(RosterItem::toElement).toList(), List.copyOf(clients.view(s).values()),
                        s.jid() + " sees the stored roster through its pushes; " + where);
            }
        }
    }

    /** The client's roster: the last one it had, with the pushes it got since applied in order. */
}
