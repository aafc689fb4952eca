package org.parley.components.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.xml.XmppStreamParser;

class ComponentStreamTest {
    private static final String HEADER = "<stream:stream xmlns='jabber:component:accept' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='" + TestHost.DOMAIN + "'>";

    private TestHost host = new TestHost(4096, 100, 30);

    @AfterEach
    void stop() {
        host.timer.shutdownNow();
    }

    private static void feed(ComponentStream s, String xml) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        s.received(b, 0, b.length);
    }

    private ComponentStream connected(FakeWire wire, String id) {
        ComponentStream s = new ComponentStream(wire, host, id);
        feed(s, HEADER);
        feed(s, "<handshake>" + Handshake.digest(id, TestHost.SECRET) + "</handshake>");
        return s;
    }

    @Test
    void correctHandshakeIsAcceptedAndTheComponentTakesItsDomain() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = new ComponentStream(wire, host, "3BF96D32");
        feed(s, HEADER);
        String header = wire.take();
        assertTrue(header.contains("xmlns='jabber:component:accept'"), header);
        assertTrue(header.contains("from='" + TestHost.DOMAIN + "'"), header);
        assertTrue(header.contains("id='3BF96D32'"), header);
        assertFalse(host.component.isConnected());
        feed(s, "<handshake>" + Handshake.digest("3BF96D32", TestHost.SECRET).toUpperCase() + "</handshake>");
        assertEquals("<handshake/>", wire.take());
        assertTrue(host.component.isConnected());
        assertFalse(wire.closed);
    }

    @Test
    void wrongSecretIsNotAuthorizedAndLoggedOncePerAddress() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = new ComponentStream(wire, host, "abc");
        feed(s, HEADER);
        wire.take();
        feed(s, "<handshake>" + Handshake.digest("abc", "wrong") + "</handshake>");
        String out = wire.take();
        assertTrue(out.contains("<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), out);
        assertTrue(out.endsWith("</stream:stream>"), out);
        assertTrue(wire.closed);
        assertFalse(host.component.isConnected());
        // the refusal above used the address's one log entry for the interval
        assertFalse(host.refusals.shouldLog(wire.remote().getAddress(), "not-authorized"));
        assertTrue(host.refusals.shouldLog(wire.remote().getAddress(), "host-unknown"), "another kind of refusal is still logged");
    }

    @Test
    void aStanzaBeforeTheHandshakeIsNotAuthorized() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = new ComponentStream(wire, host, "abc");
        feed(s, HEADER);
        feed(s, "<message from='" + TestHost.DOMAIN + "' to='alice@example.org'><body>x</body></message>");
        assertTrue(wire.take().contains("<not-authorized "));
        assertTrue(host.routed.isEmpty());
    }

    @Test
    void unconfiguredDomainIsHostUnknown() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = new ComponentStream(wire, host, "abc");
        feed(s, HEADER.replace(TestHost.DOMAIN, "other.example.org"));
        String out = wire.take();
        assertTrue(out.startsWith("<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept'"), out);
        assertTrue(out.contains("<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), out);
        assertTrue(wire.closed);
    }

    @Test
    void aClientStreamOnTheComponentPortIsInvalidNamespace() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = new ComponentStream(wire, host, "abc");
        feed(s, HEADER.replace("jabber:component:accept", "jabber:client"));
        assertTrue(wire.take().contains("<invalid-namespace "));
    }

    @Test
    void stanzasFromTheDomainOrJidsAtItAreRouted() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        feed(s, "<message from='" + TestHost.DOMAIN + "' to='alice@example.org' id='m1'><body>one</body></message>"
                + "<message from='bob@" + TestHost.DOMAIN + "/irc' to='alice@example.org' id='m2'><body>two</body></message>");
        assertEquals(2, host.routed.size());
        assertEquals("m1", host.routed.get(0).id());
        assertEquals("bob@" + TestHost.DOMAIN + "/irc", host.routed.get(1).from().toString());
        assertEquals(Namespaces.CLIENT, host.routed.get(0).element().namespace());
    }

    @Test
    void fromOutsideItsDomainIsInvalidFromAndNotRouted() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        wire.take();
        feed(s, "<message from='admin@example.org' to='alice@example.org'><body>spoof</body></message>");
        String out = wire.take();
        assertTrue(out.contains("<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), out);
        assertTrue(host.routed.isEmpty());
        assertTrue(wire.closed);
        assertFalse(host.component.isConnected());
    }

    @Test
    void aSubdomainOfTheComponentIsNotItsOwn() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        feed(s, "<message from='x." + TestHost.DOMAIN + "' to='alice@example.org'><body>x</body></message>");
        assertTrue(wire.take().contains("<invalid-from "));
        assertTrue(host.routed.isEmpty());
    }

    @Test
    void missingAddressesAreImproperAddressing() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        feed(s, "<message to='alice@example.org'><body>x</body></message>");
        assertTrue(wire.take().contains("<improper-addressing "));
        assertTrue(host.routed.isEmpty());
    }

    @Test
    void oversizeStanzaIsPolicyViolation() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        feed(s, "<message from='" + TestHost.DOMAIN + "' to='alice@example.org'><body>" + "x".repeat(5000) + "</body></message>");
        assertTrue(wire.take().contains("<policy-violation "));
        assertTrue(host.routed.isEmpty());
        assertTrue(wire.closed);
    }

    @Test
    void aBadStanzaIsAnsweredWithAnErrorAndTheStreamGoesOn() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        wire.take();
        feed(s, "<iq from='" + TestHost.DOMAIN + "' to='alice@example.org' type='get'/>"); // no id
        String out = wire.take();
        assertTrue(out.contains("type='error'") && out.contains("<bad-request "), out);
        assertFalse(wire.closed);
        feed(s, "<message from='" + TestHost.DOMAIN + "' to='alice@example.org'><body>ok</body></message>");
        assertEquals(1, host.routed.size());
    }

    @Test
    void pastTheRateLimitReadingPausesThenResumes() throws Exception {
        host = new TestHost(4096, 2, 30);
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        ComponentStream s = connected(wire, "id1");
        String m = "<message from='" + TestHost.DOMAIN + "' to='alice@example.org'><body>x</body></message>";
        feed(s, m + m);
        assertEquals(0, wire.suspends);
        feed(s, m);
        assertEquals(1, wire.suspends);
        assertEquals(3, host.routed.size(), "what was read is routed; the pause stops further reading");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (wire.resumes == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, wire.resumes);
    }

    @Test
    void aSecondConnectionReplacesTheFirstWithConflict() {
        FakeWire first = new FakeWire("127.0.0.1", 40000);
        connected(first, "id1");
        first.take();
        FakeWire second = new FakeWire("127.0.0.1", 40001);
        connected(second, "id2");
        String out = first.take();
        assertTrue(out.contains("<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), out);
        assertTrue(first.closed);
        assertFalse(second.closed);
        second.take();
        host.component.receive(message("after"));
        assertTrue(second.take().contains("after"));
        assertEquals("", first.take());
    }

    @Test
    void stanzasForTheComponentAreWrittenInItsNamespace() {
        FakeWire wire = new FakeWire("127.0.0.1", 40000);
        connected(wire, "id1");
        wire.take();
        host.component.receive(message("hello"));
        String out = wire.take();
        assertTrue(out.startsWith("<message"), out);
        Element parsed = XmppStreamParser.parseElement(out, Namespaces.COMPONENT_ACCEPT);
        assertEquals("hello", parsed.childText("body"));
    }

    static Stanza message(String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "alice@example.org/phone")
                .attribute("to", "bob@" + TestHost.DOMAIN).attribute("id", body)
                .child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build());
    }
}
