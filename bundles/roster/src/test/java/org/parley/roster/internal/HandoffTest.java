package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/** What the roster keeps in memory comes across an upgrade of its bundle through the state handoff. */
class HandoffTest {
    private final World world = new World(Limits.DEFAULTS, "alice", "bob");

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void theSuccessorPushesToTheSameResourcesDoesNotProbeAgainAndKnowsWhoWentOffline() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession b2 = world.bind("bob", "laptop");
        world.rosterGet(a, null);
        world.broadcast(a, null);
        world.broadcast(b, null);
        world.presence(a, "subscribe", "bob@example.org");
        world.presence(b, "subscribed", "alice@example.org");
        world.presence(b, "subscribe", "alice@example.org");
        world.presence(a, "subscribed", "bob@example.org");
        world.end(b2); // never available: nothing to remember
        world.end(b);
        long probes = world.routed.stream().filter(s -> "probe".equals(s.type())).count();

        world.upgrade();

        world.rosterSet(a, World.item("bob@example.org", "Bob after the upgrade"));
        List<Stanza> pushes = a.received.stream().filter(s -> s.isIq() && "set".equals(s.type())).toList();
        Stanza push = pushes.get(pushes.size() - 1);
        assertEquals("Bob after the upgrade", push.payload().firstElement().attribute("name"),
                "alice, who asked for the roster before the upgrade, still gets pushes");

        world.broadcast(a, "away");
        assertEquals(probes, world.routed.stream().filter(s -> "probe".equals(s.type())).count(),
                "alice's update after the upgrade is not taken for a new sign-in");

        TestSession a2 = world.bind("alice", "tablet");
        world.broadcast(a2, null);
        assertEquals(1, a2.received.stream().filter(s -> "unavailable".equals(s.type()) && s.from().toString().equals("bob@example.org/desk")
                && s.element().child("delay", RosterService.DELAY) != null).count(), "bob's last unavailable presence is still known");
    }

    @Test
    void theSnapshotHoldsOnlyJdkAndApiValues() {
        TestSession a = world.bind("alice", "phone");
        world.rosterGet(a, null);
        world.broadcast(a, null);
        world.end(a);
        Map<String, Object> snapshot = world.service.snapshot();
        Deque<Object> todo = new ArrayDeque<>(List.of(snapshot));
        int values = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            String pkg = o.getClass().getPackageName();
            assertTrue(pkg.startsWith("java.") || pkg.startsWith("org.parley.api."), "a " + o.getClass() + " in the snapshot");
            assertFalse(pkg.startsWith("org.parley.roster"));
            if (o instanceof Map<?, ?> m) {
                todo.addAll(m.keySet());
                todo.addAll(m.values());
            } else if (o instanceof Collection<?> c) {
                todo.addAll(c);
            } else if (o instanceof Stanza || o instanceof Element) {
                values++;
            }
        }
        assertEquals(1, values, "alice's last unavailable presence is in it");
    }

    @Test
    void aSnapshotOfAnotherFormatIsIgnored() {
        world.handoff.deposit(RosterService.HANDOFF_KEY, Map.of("format", 99, "interested", List.of("alice@example.org/phone")));
        world.start(Limits.DEFAULTS);
        world.service.takeOver();
        TestSession a = world.bind("alice", "phone");
        world.rosterSet(a, World.item("bob@example.org", "Bob"));
        assertTrue(a.received.stream().noneMatch(s -> "set".equals(s.type())), "no push to a resource the unreadable snapshot named");
    }

    @Test
    void theBroadcastPresenceComesAcrossSoProbeAnswersStillCarryWhatInterceptorsAdded() {
        TestSession a = world.bind("alice", "phone");
        world.broadcast(a, null);
        // as the vCard bundle's interceptor, above the roster, adds the avatar hash to what is broadcast
        Stanza withHash = a.presence().withChild(Element.builder("x", "vcard-temp:x:update")
                .child(Element.empty("photo", "vcard-temp:x:update")).build());
        world.service.broadcast(withHash, a, a.bareJid()).toCompletableFuture().join();
        assertEquals(withHash.element(), world.service.answerable(a).element());

        world.upgrade();

        assertEquals(withHash.element(), world.service.answerable(a).element(), "a probe answer after the upgrade carries the hash");
        assertEquals(withHash.element(), world.service.shown(a).element());
    }

    @Test
    void aSessionAnnouncedByAVersionThatDidNotHandItsBroadcastOverIsAnsweredWithItsOwnPresence() {
        TestSession a = world.bind("alice", "phone");
        world.broadcast(a, "away");
        world.service.deactivate();
        world.shared.deactivate();
        world.handoff.take(RosterService.HANDOFF_KEY);
        world.handoff.deposit(RosterService.HANDOFF_KEY, Map.of("format", RosterService.HANDOFF_FORMAT,
                "interested", List.of(), "announced", List.of(a.id()), "blockListInterested", List.of(), "lastUnavailable", Map.of()));
        world.start(Limits.DEFAULTS);
        world.service.takeOver();
        assertEquals(a.presence(), world.service.answerable(a), "announced: its probe answer is its own presence");
        assertEquals(a.presence(), world.service.shown(a));
    }
}
