package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/**
 * Presence when the shared worker pool is full (a mass sign-in or sign-off fills it): what a
 * session's presence needs must not be refused for want of a pool slot, since the blocking policy
 * fails closed and a refused unavailable presence leaves contacts seeing the user online forever.
 * Enforcement on, as the server runs it.
 */
class PresenceUnderLoadTest {
    private final World world = new World(Limits.DEFAULTS, "alice", "bob", "carol", "dave");

    @AfterEach
    void close() {
        world.pool.full = false;
        world.close();
    }

    private void mutual(String a, String b) {
        TestSession x = world.bind(a, "setup");
        TestSession y = world.bind(b, "setup");
        world.presence(x, "subscribe", b + "@example.org");
        world.presence(y, "subscribed", a + "@example.org");
        world.presence(y, "subscribe", a + "@example.org");
        world.presence(x, "subscribed", b + "@example.org");
        world.end(x);
        world.end(y);
    }

    private static List<Stanza> presenceFrom(TestSession s, String from, String type) {
        return s.received.stream().filter(x -> x.kind() == Stanza.Kind.PRESENCE && x.from().toString().equals(from)
                && java.util.Objects.equals(type, x.type())).toList();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void anEndingSessionsUnavailablePresenceReachesItsOnlineContactsWithThePoolFullAndAsksItForNothing() {
        world.enforce = true;
        mutual("alice", "bob");
        mutual("alice", "carol"); // carol stays offline
        mutual("alice", "dave");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession d = world.bind("dave", "desk");
        world.broadcast(b, null);
        world.broadcast(d, null);
        world.broadcast(a, null);
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size());

        world.pool.full = true;
        world.end(a);

        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size(), "bob sees alice leave: " + b.received);
        assertEquals(1, presenceFrom(d, "alice@example.org/phone", "unavailable").size(), "dave too");
        assertTrue(b.received("presence", "error").isEmpty() && d.received("presence", "error").isEmpty());
        // Storing when alice was last seen waits for room rather than failing.
        world.pool.full = false;
        await(() -> lastSeenStored("alice"), "alice's last-seen written once the pool has room");
    }

    @Test
    void aSignOffAsksThePoolForNothingButTheLastSeenWriteThoughContactsAreOffline() {
        world.enforce = true;
        mutual("alice", "bob");
        mutual("alice", "carol");
        mutual("alice", "dave");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(b, null);
        world.broadcast(a, null);
        int before = world.pool.ran.get();
        world.end(a);

        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size());
        // Carol and dave are offline: nobody would get their copies, so their privacy lists are not read.
        assertEquals(before + 1, world.pool.ran.get(), "one pool task: the last-seen write");
    }

    private boolean lastSeenStored(String user) {
        try {
            return new LastSeenStore(world.store.database()).get(user) != null;
        } catch (java.sql.SQLException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void aSignInWhileThePoolIsFullIsShownToContactsOnceThePoolHasRoomNotRefused() {
        world.enforce = true;
        mutual("alice", "bob");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(b, null);

        world.pool.full = true; // alice's privacy lists are not in memory: reading them waits for the pool
        TestSession a = world.bind("alice", "phone");
        // The world's routing waits for each stanza's stage: her session's thread waits, as her stanza does.
        java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> world.broadcast(a, "chat"));
        await(() -> world.pool.refused.get() > 2, "the pool refused her reads, and they were offered again");
        assertTrue(presenceFrom(b, "alice@example.org/phone", null).isEmpty(), "nothing yet: her roster and lists are not read");

        world.pool.full = false;
        sent.join();
        await(() -> presenceFrom(b, "alice@example.org/phone", null).size() == 1, "bob sees alice come online");
        world.pool.full = true;
        world.end(a); // her lists are in memory now: her unavailable presence asks the pool nothing for bob
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size());
        assertTrue(a.received("presence", "error").isEmpty(), "her presence was never refused: " + a.received);
    }

    // ---- the same presence twice at simultaneous sign-ins (RFC 6121 sections 4.2.2 and 4.3.2) ----

    /** The core marks the session available (and tells its listeners) before routing its presence. */
    private Stanza markAvailable(TestSession s, String show) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT);
        if (show != null) {
            b.textChild("show", show);
        }
        Stanza p = Stanza.create(b.build()).withFrom(s.jid());
        s.presence(p);
        world.service.available(s, p);
        return p;
    }

    @Test
    void whenTheContactsBroadcastComesBeforeTheProbeAnswerTheNewSessionGetsItOnce() {
        mutual("alice", "bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        Stanza bp = markAvailable(b, null); // bob is available, his presence not routed yet
        Stanza ap = markAvailable(a, "away");
        world.routeFrom(a, ap); // alice's broadcast reaches bob's available session
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size());
        world.routeFrom(b, bp); // bob's probe is answered with alice's presence: the same one

        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size(), "once: " + b.received);
        assertEquals(1, presenceFrom(a, "bob@example.org/desk", null).size(), "alice gets bob's once: " + a.received);
    }

    @Test
    void whenTheProbeComesBeforeTheContactsBroadcastReachedTheRosterTheBroadcastAloneBringsIt() {
        mutual("alice", "bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        Stanza ap = markAvailable(a, "away"); // alice is available, her broadcast still on its way (an avatar lookup)
        Stanza bp = markAvailable(b, null);
        world.routeFrom(b, bp); // bob probes alice: not answered for that resource, her broadcast will reach him
        assertEquals(0, presenceFrom(b, "alice@example.org/phone", null).size(), b.received.toString());
        world.routeFrom(a, ap); // her broadcast reaches bob's bare JID

        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size(), "once: " + b.received);
        assertEquals(1, presenceFrom(a, "bob@example.org/desk", null).size(), "once: " + a.received);
    }

    @Test
    void aPresenceChangedBetweenTheProbeAnswerAndTheBroadcastIsDeliveredBoth() {
        mutual("alice", "bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.routeFrom(a, markAvailable(a, "away"));
        Stanza bp = markAvailable(b, null);
        world.routeFrom(b, bp); // the answer carries "away"
        Stanza changed = Stanza.create(Element.builder("presence", Namespaces.CLIENT).textChild("show", "dnd").build()).withFrom(a.jid());
        a.presence(changed);
        world.routeFrom(a, changed);

        List<Stanza> got = presenceFrom(b, "alice@example.org/phone", null);
        assertEquals(2, got.size(), "the newer presence is news: " + got);
        assertEquals("dnd", got.get(1).element().childText("show"));
    }

    @Test
    void aNewSessionOfTheSameUserGetsTheOtherResourcesPresenceOnce() {
        TestSession phone = world.bind("alice", "phone");
        TestSession laptop = world.bind("alice", "laptop");
        Stanza lp = markAvailable(laptop, null);
        world.broadcast(phone, "away"); // reaches the laptop, available already
        world.routeFrom(laptop, lp); // the laptop's initial presence gives it the phone's presence again

        assertEquals(1, presenceFrom(laptop, "alice@example.org/phone", null).size(), "once: " + laptop.received);
    }

    @Test
    void aProbeAnswerCarriesThePresenceAsBroadcastWithWhatAnInterceptorAddedSoItIsItsTwin() {
        mutual("alice", "bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        Stanza ap = markAvailable(a, "away");
        // As the vCard bundle's interceptor (above the roster) adds the avatar hash to the broadcast.
        Stanza withHash = Stanza.create(ap.element().toBuilder().child(Element.builder("x", "vcard-temp:x:update")
                .child(Element.empty("photo", "vcard-temp:x:update")).build()).build());
        Stanza bp = markAvailable(b, null);
        world.routeFrom(a, withHash);
        world.routeFrom(b, bp);

        List<Stanza> got = presenceFrom(b, "alice@example.org/phone", null);
        assertEquals(1, got.size(), got.toString());
        assertTrue(got.get(0).element().child("x", "vcard-temp:x:update") != null);
        TestSession b2 = world.bind("bob", "laptop");
        world.broadcast(b2, null); // a later sign-in gets the answer, with the hash too
        List<Stanza> later = presenceFrom(b2, "alice@example.org/phone", null);
        assertEquals(1, later.size());
        assertTrue(later.get(0).element().child("x", "vcard-temp:x:update") != null, later.toString());
    }

    @Test
    void aSessionThatSignsInAgainGetsTheContactsPresenceAgain() {
        mutual("alice", "bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, "away");
        world.broadcast(b, null);
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size());
        world.unavailable(b);
        world.broadcast(b, null); // a new initial presence: the probe's answer is news again

        assertEquals(2, presenceFrom(b, "alice@example.org/phone", null).size(), b.received.toString());
    }
}
