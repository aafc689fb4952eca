package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;

/** XEP-0198 in the session core: enable, counting both ways, acks, resumption, and its failures. */
class StreamManagementTest {
    private static final EntityFullJid ALICE = JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/phone");
    private CoreFixture fixture = new CoreFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static Element enable(boolean resume) {
        Element.Builder b = Element.builder("enable", Namespaces.SM);
        if (resume) {
            b.attribute("resume", "true");
        }
        return b.build();
    }

    private static Element ack(long h) {
        return Element.builder("a", Namespaces.SM).attribute("h", Long.toString(h)).build();
    }

    private static Element resume(String previd, long h) {
        return Element.builder("resume", Namespaces.SM).attribute("previd", previd).attribute("h", Long.toString(h)).build();
    }

    /** Alice bound on phone with resumable stream management; returns the resumption id. */
    private String enabledResumable(FakeConnection c) {
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(true));
        Element enabled = c.last();
        assertTrue(enabled.is("enabled", Namespaces.SM), enabled.toString());
        return enabled.attribute("id");
    }

    /** Sends alice {@code n} messages from the server side. */
    private void deliverToAlice(int n, String prefix) {
        Session alice = fixture.core.session(ALICE);
        for (int i = 0; i < n; i++) {
            alice.deliver(Stanza.create(CoreFixture.message(ALICE.toString(), prefix + i).withAttribute("from", "bob@example.org/x")));
        }
    }

    private static List<String> messageIds(FakeConnection c) {
        return c.stanzas().stream().filter(e -> e.name().equals("message")).map(e -> e.attribute("id")).toList();
    }

    @Test
    void enableBeforeBindIsFailedUnexpectedRequestAndTheStreamGoesOn() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.authenticated(c, "alice");
        s.element(enable(true));
        assertTrue(c.last().is("failed", Namespaces.SM));
        assertNotNull(c.last().child("unexpected-request", Namespaces.STANZAS_ERROR));
        assertFalse(c.closed);
        s.element(CoreFixture.bind("phone"));
        assertEquals("result", c.last().attribute("type"), "binding still works after the failed enable");
    }

    @Test
    void enableWithResumptionAnswersAnIdAndTheMaximumAndASecondEnableFails() {
        FakeConnection c = FakeConnection.secured();
        String id = enabledResumable(c);
        assertTrue(id.length() >= 20, "an unguessable id: " + id);
        assertEquals("true", c.last().attribute("resume"));
        assertEquals("300", c.last().attribute("max"));
    }

    @Test
    void aSecondEnableIsFailedUnexpectedRequest() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        assertNull(c.last().attribute("id"), "no resumption asked for, no id");
        s.element(enable(false));
        assertNotNull(c.last().child("unexpected-request", Namespaces.STANZAS_ERROR));
        assertFalse(c.closed);
    }

    @Test
    void theServerCountsWhatItHandledAndAnswersRequests() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        s.element(CoreFixture.message("bob@example.org", "1"));
        s.element(CoreFixture.message("@broken", "2")); // answered with an error: handled too
        s.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "p")
                .child(Element.empty("ping", "urn:xmpp:ping")).build());
        s.element(CoreFixture.sm("r"));
        Element a = c.last();
        assertTrue(a.is("a", Namespaces.SM));
        assertEquals("3", a.attribute("h"));
    }

    @Test
    void acknowledgedStanzasLeaveTheQueueAndTooHighAnAckEndsTheStream() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        deliverToAlice(3, "m");
        s.element(ack(2));
        assertFalse(c.closed);
        s.element(ack(5));
        assertTrue(c.closed);
        Element error = c.sentIn(Namespaces.STREAM).stream().filter(e -> e.name().equals("error")).findFirst().orElseThrow();
        assertNotNull(error.child("undefined-condition", Namespaces.STREAMS_ERROR));
        Element tooHigh = error.child("handled-count-too-high", Namespaces.SM);
        assertEquals("5", tooHigh.attribute("h"));
        assertEquals("3", tooHigh.attribute("send-count"));
        assertNotNull(error.child("text", Namespaces.STREAMS_ERROR));
    }

    @Test
    void theSessionTellsHowManyStanzasWaitForAnAcknowledgement() throws Exception {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        Session alice = fixture.core.session(ALICE);
        assertEquals(0, alice.unacknowledged(), "nothing kept without stream management");
        deliverToAlice(2, "before");
        s.element(enable(false));
        deliverToAlice(3, "m");
        CoreFixture.await(() -> alice.unacknowledged() == 3);
        assertEquals(3, alice.unacknowledged(), "the three sent since enable");
        s.element(ack(2));
        CoreFixture.await(() -> alice.unacknowledged() == 1);
        assertEquals(1, alice.unacknowledged());
        s.element(ack(3));
        CoreFixture.await(() -> alice.unacknowledged() == 0);
        assertEquals(0, alice.unacknowledged());
    }

    @Test
    void anAckWithoutAValidHIsBadFormat() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        s.element(Element.builder("a", Namespaces.SM).attribute("h", "-1").build());
        assertEquals(StreamErrorCondition.BAD_FORMAT, c.error);
    }

    @Test
    void theServerAsksForAnAckAfterABurst() throws Exception {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        deliverToAlice(1, "m");
        CoreFixture.await(() -> c.sentIn(Namespaces.SM).stream().anyMatch(e -> e.name().equals("r")));
    }

    @Test
    void countsWrapAroundAt2To32() {
        assertEquals(0, SmCounter.increment(SmCounter.MASK));
        assertEquals(3, SmCounter.distance(SmCounter.MASK - 1, 1));
        assertEquals(4294967295L, SmCounter.parse("4294967295"));
        assertEquals(-1, SmCounter.parse("4294967296"));
        assertEquals(-1, SmCounter.parse("12a"));

        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable(false));
        Session alice = fixture.core.session(ALICE);
        Outbound out = ((ClientSession) alice).outbound();
        // As if 2^32 - 2 stanzas had been sent and acknowledged already.
        out.run(() -> out.restore(new Outbound.State(true, SmCounter.MASK - 1, SmCounter.MASK - 1, List.of()), false)).toCompletableFuture().join();
        out.run(() -> out.attachOnLane(c)).toCompletableFuture().join();
        deliverToAlice(4, "w");
        s.element(ack(1)); // 2^32 - 2 + 3, wrapped
        assertFalse(c.closed, "an ack across the wrap is not too high");
        s.element(ack(3));
        assertTrue(c.closed, "3 is one more than was sent after the wrap");
    }

    @Test
    void aLostConnectionLeavesTheSessionDetachedAndAResumeReplaysWhatWasNotAcknowledged() {
        List<String> events = new CopyOnWriteArrayList<>();
        fixture.core.addListener(new SessionListener() {
            @Override
            public void detached(Session s) {
                events.add("detached");
            }

            @Override
            public void resumed(Session s) {
                events.add("resumed");
            }

            @Override
            public void ended(Session s) {
                events.add("ended");
            }
        }, new FakeReference<>(Map.of(Constants.SERVICE_ID, 3L)));
        FakeConnection old = FakeConnection.secured();
        String id = enabledResumable(old);
        deliverToAlice(3, "before");
        fixture.connectionOf(old).element(ack(1));
        fixture.connectionOf(old).disconnected();
        Session alice = fixture.core.session(ALICE);
        assertNotNull(alice, "still bound");
        assertTrue(alice.isDetached());
        assertTrue(alice.isAvailable(), "still available while detached");
        deliverToAlice(2, "while");

        FakeConnection fresh = FakeConnection.secured();
        ClientStream s = fixture.authenticated(fresh, "alice");
        s.element(resume(id, 2));
        Element resumed = fresh.sentIn(Namespaces.SM).stream().filter(e -> e.name().equals("resumed")).findFirst().orElseThrow();
        assertEquals(id, resumed.attribute("previd"));
        assertEquals("0", resumed.attribute("h"), "the server handled nothing from the client");
        assertEquals(List.of("before2", "while0", "while1"), messageIds(fresh), "unacknowledged, in order, none twice");
        assertFalse(alice.isDetached());
        assertEquals(List.of("detached", "resumed"), events);

        deliverToAlice(1, "after");
        assertEquals("after0", messageIds(fresh).get(3), "the resumed session goes on on the new connection");
        s.element(CoreFixture.message("bob@example.org", "x"));
        s.element(CoreFixture.sm("r"));
        assertEquals("1", fresh.last().attribute("h"));
    }

    @Test
    void resumingWhileTheOldConnectionIsStillOpenClosesItWithConflict() {
        FakeConnection old = FakeConnection.secured();
        String id = enabledResumable(old);
        FakeConnection fresh = FakeConnection.secured();
        fixture.authenticated(fresh, "alice").element(resume(id, 0));
        assertEquals(StreamErrorCondition.CONFLICT, old.error);
        assertTrue(fresh.sentIn(Namespaces.SM).stream().anyMatch(e -> e.name().equals("resumed")));
        assertEquals(1, fixture.core.count(), "one session, on the new connection");
    }

    @Test
    void anUnknownIdAnotherAccountsIdAndAnIdAfterBindAreRefused() {
        FakeConnection old = FakeConnection.secured();
        String id = enabledResumable(old);
        fixture.connectionOf(old).disconnected();

        FakeConnection unknown = FakeConnection.secured();
        fixture.authenticated(unknown, "alice").element(resume("nonsense", 0));
        assertNotNull(unknown.last().child("item-not-found", Namespaces.STANZAS_ERROR));
        assertFalse(unknown.closed, "the client may bind instead");

        FakeConnection mallory = FakeConnection.secured();
        fixture.authenticated(mallory, "mallory").element(resume(id, 0));
        assertNotNull(mallory.last().child("item-not-found", Namespaces.STANZAS_ERROR), "answered as an unknown id");
        assertTrue(fixture.core.session(ALICE).isDetached(), "alice's session is untouched");

        FakeConnection bound = FakeConnection.secured();
        fixture.bound(bound, "alice", "desk").element(resume(id, 0));
        assertNotNull(bound.last().child("unexpected-request", Namespaces.STANZAS_ERROR));
    }

    @Test
    void aResumeThatAcknowledgesMoreThanWasSentEndsTheNewStream() {
        FakeConnection old = FakeConnection.secured();
        String id = enabledResumable(old);
        deliverToAlice(2, "m");
        fixture.connectionOf(old).disconnected();
        FakeConnection fresh = FakeConnection.secured();
        fixture.authenticated(fresh, "alice").element(resume(id, 7));
        assertTrue(fresh.closed);
        Element error = fresh.sentIn(Namespaces.STREAM).stream().filter(e -> e.name().equals("error")).findFirst().orElseThrow();
        assertEquals("2", error.child("handled-count-too-high", Namespaces.SM).attribute("send-count"));
        assertTrue(fixture.core.session(ALICE).isDetached(), "the detached session still waits");
    }

    @Test
    void aSessionNotResumedInTimeEndsAndItsUnacknowledgedMessagesGoToTheUndeliverableHook() throws Exception {
        fixture.close();
        fixture = new CoreFixture(CoreFixture.settings(true, 5, 60, 1));
        FakeConnection old = FakeConnection.secured();
        String id = enabledResumable(old);
        deliverToAlice(3, "m");
        fixture.connectionOf(old).element(ack(1));
        fixture.connectionOf(old).disconnected();
        CoreFixture.await(() -> fixture.core.count() == 0);
        CoreFixture.await(() -> fixture.router.undeliverable.size() >= 2); // the timeout ends it on the timer thread
        List<String> offered = fixture.router.undeliverable.stream().map(Stanza::id).toList();
        assertEquals(List.of("m1", "m2"), offered, "what the client never acknowledged, not into the void");

        FakeConnection late = FakeConnection.secured();
        fixture.authenticated(late, "alice").element(resume(id, 1));
        assertNotNull(late.last().child("item-not-found", Namespaces.STANZAS_ERROR));
    }

    @Test
    void aCleanCloseEndsTheSessionEvenWithResumption() {
        FakeConnection c = FakeConnection.secured();
        enabledResumable(c);
        fixture.connectionOf(c).streamClosed();
        assertEquals(0, fixture.core.count(), "no resumption after </stream:stream>");
    }

    @Test
    void tooManyUnacknowledgedStanzasCloseTheStreamAndNothingIsLost() {
        fixture.close();
        SessionSettings d = SessionSettings.DEFAULTS;
        fixture = new CoreFixture(new SessionSettings(true, 60, 5, 1000, 300, 10, d.maxPendingElements()));
        FakeConnection c = FakeConnection.secured();
        fixture.bound(c, "alice", "phone").element(enable(false));
        deliverToAlice(11, "m");
        assertEquals(StreamErrorCondition.RESOURCE_CONSTRAINT, c.error);
        fixture.connectionOf(c).disconnected();
        assertEquals(11, fixture.router.undeliverable.size(), "every unacknowledged message goes to the hook");
    }

    @Test
    void iqRequestsThatWereNeverAcknowledgedAreAnsweredWithAnError() {
        FakeConnection c = FakeConnection.secured();
        fixture.bound(c, "alice", "phone").element(enable(false));
        Session alice = fixture.core.session(ALICE);
        alice.deliver(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "q1")
                .attribute("from", "bob@example.org/x").attribute("to", ALICE.toString()).child(Element.empty("query", "jabber:iq:version")).build()));
        fixture.connectionOf(c).disconnected();
        Stanza answer = fixture.router.fromServer.stream().filter(s -> "q1".equals(s.id())).findFirst().orElseThrow();
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, answer.errorCondition());
        assertEquals("bob@example.org/x", answer.to().toString());
    }
}
