package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.connection.StreamHandler;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** The session core handing its streams and sessions to its successor (a live upgrade). */
class CoreHandoffTest {
    private static final EntityFullJid ALICE = JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/phone");
    private static final EntityFullJid BOB = JidCreate.entityFullFromOrThrowUnchecked("bob@example.org/laptop");
    private final TestStateHandoff handoff = new TestStateHandoff();
    private final CoreFixture old = new CoreFixture(SessionSettings.DEFAULTS, handoff);
    private CoreFixture successor;

    @AfterEach
    void tearDown() {
        if (successor != null) {
            successor.close();
        }
    }

    private static Element enable() {
        return Element.builder("enable", Namespaces.SM).attribute("resume", "true").build();
    }

    private static void deliver(CoreFixture f, EntityFullJid to, String id) {
        f.core.session(to).deliver(Stanza.create(CoreFixture.message(to.toString(), id).withAttribute("from", "carol@example.org/x")));
    }

    private static List<String> messageIds(FakeConnection c) {
        return c.stanzas().stream().filter(e -> e.name().equals("message")).map(e -> e.attribute("id")).toList();
    }

    @Test
    void streamsAndSessionsContinueUnderTheNextCoreWithNothingLostAndNothingTwice() {
        // Alice: bound, available, away, directed presence to a room, resumable, two unacknowledged messages.
        FakeConnection alice = FakeConnection.secured();
        ClientStream a = old.bound(alice, "alice", "phone");
        a.element(Element.builder("presence", Namespaces.CLIENT).textChild("show", "away").textChild("priority", "3").build());
        a.element(Element.builder("presence", Namespaces.CLIENT).attribute("to", "room@conference.example.org/al").build());
        a.element(enable());
        String aliceId = alice.last().attribute("id");
        a.element(CoreFixture.message("carol@example.org", "from-alice-1"));
        deliver(old, ALICE, "m1");
        deliver(old, ALICE, "m2");
        // Bob: detached, waiting to be resumed, one message waiting.
        FakeConnection bob = FakeConnection.secured();
        old.bound(bob, "bob", "laptop").element(enable());
        String bobId = bob.last().attribute("id");
        old.connectionOf(bob).disconnected();
        deliver(old, BOB, "for-bob");
        // Carol between STARTTLS and SASL; Dave authenticated, not bound yet.
        FakeConnection carol = new FakeConnection();
        ClientStream c = old.connect(carol);
        c.streamOpened(CoreFixture.header());
        c.element(Element.empty("starttls", Namespaces.TLS));
        c.streamOpened(CoreFixture.header());
        FakeConnection dave = FakeConnection.secured();
        old.authenticated(dave, "dave");

        old.core.deactivate(false);
        Map<String, Object> snapshot = handoff.deposits.get(CoreHandoff.KEY);
        assertNotNull(snapshot, "the state was deposited");
        assertOnlyJdkAndApiValues(snapshot);
        assertFalse(alice.closed || carol.closed || dave.closed, "the outgoing core leaves the connections open");

        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        Session restored = successor.core.session(ALICE);
        assertNotNull(restored, "in the table before the transport re-attaches anything: routing can deliver");
        assertTrue(restored.isAvailable());
        assertEquals(3, restored.priority());
        assertEquals("away", restored.presence().element().childText("show"));
        assertEquals("room@conference.example.org/al", restored.directedPresence().iterator().next().toString());
        deliver(successor, ALICE, "m3"); // arrives before alice's connection is back: held, not lost
        assertEquals(List.of("m1", "m2"), messageIds(alice), "nothing written twice, nothing written without a connection");

        StreamHandler a2 = successor.core.reattach(alice);
        assertNotNull(a2);
        assertEquals(List.of("m1", "m2", "m3"), messageIds(alice));
        a2.element(CoreFixture.sm("r"));
        assertEquals("1", alice.last().attribute("h"), "the inbound count came across");
        a2.element(Element.builder("a", Namespaces.SM).attribute("h", "3").build());
        assertFalse(alice.closed, "the outbound count came across: h=3 is not too high");
        a2.element(CoreFixture.message("carol@example.org", "from-alice-2"));
        assertEquals("from-alice-2", successor.router.fromSessions.get(successor.router.fromSessions.size() - 1).id());

        StreamHandler c2 = successor.core.reattach(carol);
        c2.element(CoreFixture.auth("carol"));
        c2.streamOpened(CoreFixture.header());
        c2.element(CoreFixture.bind("desk"));
        assertNotNull(successor.core.session(JidCreate.entityFullFromOrThrowUnchecked("carol@example.org/desk")));

        StreamHandler d2 = successor.core.reattach(dave);
        d2.element(CoreFixture.bind("tab"));
        assertNotNull(successor.core.session(JidCreate.entityFullFromOrThrowUnchecked("dave@example.org/tab")));

        Session detached = successor.core.session(BOB);
        assertTrue(detached.isDetached(), "bob still waits to be resumed");
        FakeConnection bobAgain = FakeConnection.secured();
        successor.authenticated(bobAgain, "bob").element(Element.builder("resume", Namespaces.SM).attribute("previd", bobId)
                .attribute("h", "0").build());
        assertEquals(List.of("for-bob"), messageIds(bobAgain));
        assertTrue(aliceId.length() > 10);
    }

    @Test
    void aDeliveryThatReachesTheOutgoingSessionAfterTheHandoffIsRoutedAgainNotDropped() {
        FakeConnection alice = FakeConnection.secured();
        old.bound(alice, "alice", "phone");
        Session outgoing = old.core.session(ALICE);
        old.core.deactivate(false);
        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        outgoing.deliver(Stanza.create(CoreFixture.message(ALICE.toString(), "late").withAttribute("from", "carol@example.org/x")));
        assertEquals("late", old.router.fromServer.get(old.router.fromServer.size() - 1).id(),
                "given back to routing, which finds the successor's session");
    }

    @Test
    void anEntryTheSuccessorCannotReadCostsOnlyThatStream() {
        FakeConnection alice = FakeConnection.secured();
        old.bound(alice, "alice", "phone");
        FakeConnection bob = FakeConnection.secured();
        old.bound(bob, "bob", "laptop");
        old.core.deactivate(false);
        Map<String, Object> snapshot = handoff.deposits.get(CoreHandoff.KEY);
        List<Object> sessions = new ArrayList<>((List<?>) snapshot.get("sessions"));
        for (int i = 0; i < sessions.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = new HashMap<>((Map<String, Object>) sessions.get(i));
            if (entry.get("jid").toString().startsWith("bob")) {
                entry.put("boundAt", "yesterday");
                sessions.set(i, entry);
            }
        }
        Map<String, Object> tampered = new HashMap<>(snapshot);
        tampered.put("sessions", sessions);
        handoff.deposits.put(CoreHandoff.KEY, tampered);

        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        assertNotNull(successor.core.reattach(alice), "alice continues");
        assertNotNull(successor.core.session(ALICE));
        assertNull(successor.core.session(BOB), "bob's session could not be read");
        assertNull(successor.core.reattach(bob), "a bound stream without its session is closed; its client reconnects");
    }

    @Test
    void aSnapshotOfAnotherFormatIsIgnoredAndItsConnectionsAreNotContinued() {
        FakeConnection alice = FakeConnection.secured();
        old.bound(alice, "alice", "phone");
        old.core.deactivate(false);
        Map<String, Object> future = new HashMap<>(handoff.deposits.get(CoreHandoff.KEY));
        future.put("format", 99);
        handoff.deposits.put(CoreHandoff.KEY, future);
        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        assertNull(successor.core.reattach(alice), "the transport closes it with system-shutdown");
        assertEquals(0, successor.core.count());
    }

    /** What the handoff service enforces: nothing of the session bundle's own classes. */
    private static void assertOnlyJdkAndApiValues(Object snapshot) {
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(snapshot);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            String type = o.getClass().getName();
            assertTrue(type.startsWith("java.") || type.startsWith("org.parley.api.") || type.startsWith("org.jxmpp."),
                    "a snapshot value of type " + type);
            if (o instanceof Map<?, ?> m) {
                m.keySet().forEach(todo::push);
                m.values().stream().filter(v -> v != null).forEach(todo::push);
            } else if (o instanceof Collection<?> c) {
                c.forEach(todo::push);
            }
        }
    }
}
