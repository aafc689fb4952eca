package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/**
 * {@link Session#deliverWithReceipt}: a receipt completes true only once the client surely has the
 * stanza (its XEP-0198 ack, or its answer to a ping sent after it), false when the session ends or
 * loses its connection first, and exceptionally when the core is handed over.
 */
class DeliveryReceiptTest {
    private static final EntityFullJid ALICE = JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/phone");
    private final CoreFixture fixture = new CoreFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private CompletableFuture<Boolean> deliverWithReceipt(String id) {
        Session alice = fixture.core.session(ALICE);
        return alice.deliverWithReceipt(Stanza.create(CoreFixture.message(ALICE.toString(), id).withAttribute("from", "bob@example.org/x")))
                .toCompletableFuture();
    }

    private static List<Element> receiptPings(FakeConnection c) {
        return c.stanzas().stream().filter(e -> e.name().equals("iq") && e.child("ping", "urn:xmpp:ping") != null).toList();
    }

    private static Element answer(Element ping, String type) {
        return Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", ping.attribute("id"))
                .attribute("to", ping.attribute("from")).build();
    }

    private static Element enable() {
        return Element.builder("enable", Namespaces.SM).attribute("resume", "true").build();
    }

    private static Element ack(long h) {
        return Element.builder("a", Namespaces.SM).attribute("h", Long.toString(h)).build();
    }

    @Test
    void withoutStreamManagementTheClientsAnswerToAPingSentAfterTheStanzaIsTheReceipt() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        CompletableFuture<Boolean> receipt = deliverWithReceipt("m1");

        List<Element> pings = receiptPings(c);
        assertEquals(1, pings.size());
        Element ping = pings.get(0);
        assertEquals("get", ping.attribute("type"));
        assertEquals("example.org", ping.attribute("from"));
        assertEquals(ALICE.toString(), ping.attribute("to"));
        List<Element> stanzas = c.stanzas();
        assertTrue(stanzas.indexOf(ping) > stanzas.indexOf(stanzas.stream().filter(e -> "m1".equals(e.attribute("id"))).findFirst().orElseThrow()),
                "the ping follows the stanza");
        assertFalse(receipt.isDone(), "nothing proves the client read it yet");

        s.element(answer(ping, "result"));
        assertTrue(receipt.join());
        assertTrue(fixture.router.fromSessions.stream().noneMatch(r -> ping.attribute("id").equals(r.id())),
                "the core takes the answer; routing never sees it");
    }

    @Test
    void anErrorAnswerProvesTheReadingToo_aMadeUpIdProvesNothing() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        CompletableFuture<Boolean> receipt = deliverWithReceipt("m1");
        Element ping = receiptPings(c).get(0);

        s.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "result")
                .attribute("id", Outbound.RECEIPT_PING_PREFIX + "999").build());
        assertFalse(receipt.isDone(), "an answer to a ping never sent");

        s.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "error").attribute("id", ping.attribute("id"))
                .child(Element.builder("error", Namespaces.CLIENT).attribute("type", "cancel")
                        .child(Element.empty("service-unavailable", Namespaces.STANZAS_ERROR)).build())
                .build());
        assertTrue(receipt.join(), "a client without XEP-0199 still answers, after reading what came before");
    }

    @Test
    void onePingIsOutstandingAtATimeAndTheNextCoversWhatWasWrittenMeanwhile() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        CompletableFuture<Boolean> first = deliverWithReceipt("m1");
        CompletableFuture<Boolean> second = deliverWithReceipt("m2");
        CompletableFuture<Boolean> third = deliverWithReceipt("m3");
        assertEquals(1, receiptPings(c).size(), "no second ping while one is unanswered");

        s.element(answer(receiptPings(c).get(0), "result"));
        assertTrue(first.join());
        assertFalse(second.isDone(), "written after the answered ping");
        assertFalse(third.isDone());
        assertEquals(2, receiptPings(c).size(), "a new ping for what was written meanwhile");

        s.element(answer(receiptPings(c).get(0), "result"));
        assertFalse(second.isDone(), "an old ping answered twice proves nothing new");
        s.element(answer(receiptPings(c).get(1), "result"));
        assertTrue(second.join());
        assertTrue(third.join());
        assertEquals(2, receiptPings(c).size());
    }

    @Test
    void aSessionThatEndsBeforeTheAnswerGivesFalse() {
        FakeConnection c = FakeConnection.secured();
        fixture.bound(c, "alice", "phone");
        CompletableFuture<Boolean> receipt = deliverWithReceipt("m1");
        fixture.connectionOf(c).disconnected();
        assertFalse(receipt.join());
    }

    @Test
    void withStreamManagementTheAckCoveringTheStanzaIsTheReceiptAndNoPingIsSent() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "phone");
        s.element(enable());
        fixture.core.session(ALICE).deliver(Stanza.create(CoreFixture.message(ALICE.toString(), "plain")));
        CompletableFuture<Boolean> receipt = deliverWithReceipt("m1");
        CompletableFuture<Boolean> later = deliverWithReceipt("m2");
        assertTrue(receiptPings(c).isEmpty());

        s.element(ack(1));
        assertFalse(receipt.isDone(), "h=1 covers only the stanza before it");
        s.element(ack(2));
        assertTrue(receipt.join());
        assertFalse(later.isDone());

        fixture.connectionOf(c).disconnected(); // detached, resumable: the receipt waits
        assertFalse(later.isDone());
    }

    @Test
    void aResumptionThatAcknowledgesTheStanzaCompletesItsReceipt_anEndWithoutOneGivesFalse() {
        FakeConnection old = FakeConnection.secured();
        ClientStream s = fixture.bound(old, "alice", "phone");
        s.element(enable());
        String id = old.last().attribute("id");
        CompletableFuture<Boolean> acknowledged = deliverWithReceipt("m1");
        CompletableFuture<Boolean> unacknowledged = deliverWithReceipt("m2");
        fixture.connectionOf(old).disconnected();

        FakeConnection fresh = FakeConnection.secured();
        ClientStream resumed = fixture.authenticated(fresh, "alice");
        resumed.element(Element.builder("resume", Namespaces.SM).attribute("previd", id).attribute("h", "1").build());
        assertTrue(acknowledged.join());
        assertFalse(unacknowledged.isDone(), "replayed, not yet acknowledged");

        fixture.connectionOf(fresh).streamClosed();
        assertFalse(unacknowledged.join(), "the session ended before the client acknowledged it");
        assertEquals(1, fixture.router.undeliverable.size(), "and it went to the undeliverable hook as before");
    }

    @Test
    void aHandOverOfTheCoreLeavesReceiptsUndecided() {
        FakeConnection c = FakeConnection.secured();
        fixture.bound(c, "alice", "phone");
        CompletableFuture<Boolean> receipt = deliverWithReceipt("m1");
        Outbound out = ((ClientSession) fixture.core.session(ALICE)).outbound();
        out.run(out::stateOnLane).toCompletableFuture().join();
        ExecutionException e = assertThrows(ExecutionException.class, receipt::get);
        assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
    }
}
