package org.parley.components.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class ExternalComponentTest {
    private TestHost host = new TestHost(4096, 100, 30);

    @AfterEach
    void stop() {
        host.timer.shutdownNow();
    }

    private ComponentStream connect(FakeWire wire, String id) {
        ComponentStream s = new ComponentStream(wire, host, id);
        byte[] b = ("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + TestHost.DOMAIN + "'><handshake>" + Handshake.digest(id, TestHost.SECRET) + "</handshake>")
                .getBytes(StandardCharsets.UTF_8);
        s.received(b, 0, b.length);
        return s;
    }

    @Test
    void stanzasForAnAbsentComponentAreHeldAndDeliveredInOrderWhenItConnects() {
        host.component.receive(ComponentStreamTest.message("one"));
        host.component.receive(ComponentStreamTest.message("two"));
        assertTrue(host.routed.isEmpty(), "held, not bounced");
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        connect(wire, "id1");
        host.component.receive(ComponentStreamTest.message("three"));
        String out = wire.take();
        assertTrue(out.indexOf(">one<") < out.indexOf(">two<") && out.indexOf(">two<") < out.indexOf(">three<"), out);
        assertTrue(out.indexOf(">one<") >= 0);
    }

    @Test
    void aDisconnectedComponentsStanzasAreHeldForItsReconnect() {
        FakeWire first = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connect(first, "id1");
        s.disconnected();
        host.component.receive(ComponentStreamTest.message("while-away"));
        FakeWire second = new FakeWire("127.0.0.1", 40001);
        connect(second, "id2");
        assertTrue(second.take().contains("while-away"));
        assertTrue(host.routed.isEmpty());
    }

    @Test
    void pastTheHoldTimeHeldStanzasAreBouncedWithServiceUnavailable() throws Exception {
        host.timer.shutdownNow();
        host = new TestHost(4096, 100, 1);
        host.component.receive(ComponentStreamTest.message("late"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (host.routed.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, host.routed.size());
        Stanza bounce = host.routed.get(0);
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, bounce.errorCondition());
        assertEquals("alice@example.org/phone", bounce.to().toString());
        // and from then on at once
        host.component.receive(ComponentStreamTest.message("later"));
        assertEquals(2, host.routed.size());
    }

    @Test
    void aComponentThatStopsReadingIsClosedAndItsStanzasHeldForItsReconnect() {
        FakeWire stalled = new FakeWire("127.0.0.1", 40000);
        connect(stalled, "id1");
        stalled.take();
        stalled.pending = ComponentStream.MAX_UNREAD_BYTES + 1;
        host.component.receive(ComponentStreamTest.message("not-read"));
        String out = stalled.take();
        assertTrue(out.contains("<resource-constraint ") && !out.contains("not-read"), out);
        assertTrue(stalled.closed);
        FakeWire fresh = new FakeWire("127.0.0.1", 40001);
        connect(fresh, "id2");
        assertTrue(fresh.take().contains("not-read"));
        assertTrue(host.routed.isEmpty(), "nothing bounced");
    }

    @Test
    void errorsAndResultsAreNeverBounced() throws Exception {
        host.timer.shutdownNow();
        host = new TestHost(4096, 100, 0);
        Thread.sleep(200);
        host.component.receive(ComponentStreamTest.message("x").errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        assertTrue(host.routed.isEmpty());
    }

    @Test
    void heldStanzasCarryOverToASuccessorBeforeNewOnes() {
        host.component.receive(ComponentStreamTest.message("old"));
        List<Stanza> taken = host.component.takeHeld();
        TestHost successor = new TestHost(4096, 100, 30);
        try {
            successor.component.receive(ComponentStreamTest.message("new"));
            successor.component.restoreHeld(taken);
            List<Stanza> held = successor.component.takeHeld();
            assertEquals(List.of("old", "new"), held.stream().map(Stanza::id).toList());
        } finally {
            successor.timer.shutdownNow();
        }
    }
}
