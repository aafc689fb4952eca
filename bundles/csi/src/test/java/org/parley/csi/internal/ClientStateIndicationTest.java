package org.parley.csi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.session.Session;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;

/** XEP-0352: what an inactive client is spared, what still reaches it at once, and in which order. */
class ClientStateIndicationTest {
    private final TestStateHandoff handoff = new TestStateHandoff();
    /** The recipient: a session that records what the filter delivers itself. */
    private final TestSession phone = new TestSession("juliet@example.org/phone").available(0);

    private StreamContext stream(Session session) {
        return new StreamContext() {
            @Override public String connectionId() { return "c1"; }
            @Override public boolean isSecure() { return true; }
            @Override public String username() { return "juliet"; }
            @Override public Session session() { return session; }
            @Override public InetSocketAddress remoteAddress() { return null; }
            @Override public void send(Element element) { }
            @Override public void close(StreamErrorCondition condition, String text) { throw new AssertionError(text); }
        };
    }

    private static Stanza presence(String from, String status) {
        return Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", from).attribute("to", "juliet@example.org")
                .textChild("status", status).build());
    }

    private static Stanza chat(String from, String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", "juliet@example.org")
                .attribute("type", "chat").textChild("body", body).build());
    }

    private static Stanza typing(String from) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", "juliet@example.org")
                .attribute("type", "chat").child(Element.empty("composing", HeldStanzas.CHAT_STATES)).build());
    }

    private static String status(Stanza s) {
        return s.element().childText("status");
    }

    @Test
    void whatCanWaitIsPresenceAndChatStates() {
        assertTrue(HeldStanzas.canWait(presence("romeo@example.org/a", "x")));
        assertTrue(HeldStanzas.canWait(typing("romeo@example.org/a")));
        assertFalse(HeldStanzas.canWait(chat("romeo@example.org/a", "hi")));
        assertFalse(HeldStanzas.canWait(Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", "subscribe").build())));
        assertFalse(HeldStanzas.canWait(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get")
                .attribute("id", "1").child(Element.empty("ping", "urn:xmpp:ping")).build())));
    }

    @Test
    void anInactiveClientGetsOnlyTheLatestPresencePerSenderAndOnlyWhenSomethingUrgentComes() {
        ClientStateIndication csi = new ClientStateIndication(handoff);
        Stanza before = presence("romeo@example.org/a", "before");
        assertSame(before, csi.filter(before, phone), "an active client gets everything");
        csi.handle(Element.empty("inactive", ClientStateIndication.NAMESPACE), stream(phone));

        assertNull(csi.filter(presence("romeo@example.org/a", "1"), phone));
        assertNull(csi.filter(presence("benvolio@example.org/b", "b1"), phone));
        assertNull(csi.filter(presence("romeo@example.org/a", "2"), phone));
        assertNull(csi.filter(typing("romeo@example.org/a"), phone));
        assertTrue(phone.received.isEmpty());

        Stanza urgent = chat("romeo@example.org/a", "wake up");
        assertSame(urgent, csi.filter(urgent, phone), "a message goes at once");
        assertEquals(List.of("b1", "2"), phone.received.stream().filter(s -> s.kind() == Stanza.Kind.PRESENCE).map(ClientStateIndicationTest::status).toList(),
                "what waited goes first: the latest presence of each sender, in the order of their latest");
        assertEquals(3, phone.received.size(), "and the chat state");
        assertNull(csi.filter(presence("romeo@example.org/a", "3"), phone), "still inactive");
    }

    @Test
    void becomingActiveDeliversWhatWaitsAndEndsTheHolding() {
        ClientStateIndication csi = new ClientStateIndication(handoff);
        csi.handle(Element.empty("inactive", ClientStateIndication.NAMESPACE), stream(phone));
        assertNull(csi.filter(presence("romeo@example.org/a", "1"), phone));
        csi.handle(Element.empty("active", ClientStateIndication.NAMESPACE), stream(phone));
        assertEquals(List.of("1"), phone.received.stream().map(ClientStateIndicationTest::status).toList());
        Stanza after = presence("romeo@example.org/a", "2");
        assertSame(after, csi.filter(after, phone));
    }

    @Test
    void anUpgradeDeliversWhatWaitsAndTheSuccessorKeepsTheClientInactive() {
        ClientStateIndication old = new ClientStateIndication(handoff);
        old.handle(Element.empty("inactive", ClientStateIndication.NAMESPACE), stream(phone));
        assertNull(old.filter(presence("romeo@example.org/a", "1"), phone));
        old.deactivate();
        assertEquals(1, phone.received.size(), "nothing waits across the swap");
        ClientStateIndication successor = new ClientStateIndication(handoff);
        assertNull(successor.filter(presence("romeo@example.org/a", "2"), phone), "still inactive for the successor");
    }

    @Test
    void pastTheLimitEverythingHeldIsDelivered() {
        ClientStateIndication csi = new ClientStateIndication(handoff);
        csi.handle(Element.empty("inactive", ClientStateIndication.NAMESPACE), stream(phone));
        for (int i = 0; i < ClientStateIndication.MAX_HELD; i++) {
            csi.filter(presence("user" + i + "@example.org/a", "s"), phone);
        }
        assertEquals(ClientStateIndication.MAX_HELD, phone.received.size());
    }
}
