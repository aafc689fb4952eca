package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;

class XmppStreamParserCompactTest {

    @Test
    void compactingWheneverPossibleGivesIdenticalEvents() throws Exception {
        byte[] bytes = Recorder.utf8(XmppStreamParserTest.STREAM);
        List<Object> expected = new Recorder().feed(bytes).events;
        for (int size : new int[] {1, 2, 3, 5, 17, 64, 200}) {
            Recorder r = new Recorder();
            int compactions = 0;
            for (int p = 0; p < bytes.length; p += size) {
                r.feed(bytes, p, Math.min(bytes.length, p + size));
                if (r.parser.compact()) {
                    compactions++;
                }
            }
            assertEquals(expected, r.events, "pieces of " + size);
            if (size == 1) {
                // after the header, each of the four stanzas and the keepalive
                assertTrue(compactions >= 6, "compactions: " + compactions);
            }
        }
    }

    @Test
    void compactBetweenStanzasThenContinueGivesIdenticalElements() throws Exception {
        String second = "<message type='chat'><body>second ☃</body><x xmlns='urn:x' xml:lang='en'/></message>";
        Recorder plain = new Recorder().feed(Recorder.HEADER + "<presence/>" + second + "</stream:stream>");
        Recorder compacted = new Recorder().feed(Recorder.HEADER + "<presence/>");
        assertTrue(compacted.parser.compact());
        compacted.feed(second);
        assertTrue(compacted.parser.compact());
        compacted.feed("</stream:stream>");
        assertEquals(plain.events, compacted.events);
        assertEquals(1, compacted.headers().size(), "the restored context is not reported as a second header");
    }

    @Test
    void compactInsideAnElementDoesNothing() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<message><body>hel");
        assertFalse(r.parser.compact());
        r.feed("lo</body></message>");
        assertEquals("hello", r.elements().get(0).childText("body"));
    }

    @Test
    void compactInsideATagDoesNothing() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<presence ty");
        assertFalse(r.parser.compact());
        r.feed("pe='away'/>");
        assertEquals("away", r.elements().get(0).attribute("type"));
        assertTrue(r.parser.compact());
    }

    @Test
    void compactInsideTheStreamHeaderDoesNothing() throws Exception {
        Recorder r = new Recorder().feed("<stream:stream xmlns:stream='http://etherx.jabber.org/str");
        assertFalse(r.parser.compact());
        r.feed("eams'>");
        assertEquals(1, r.headers().size());
    }

    @Test
    void compactAfterAKeepaliveWorks() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<presence/>").feed("  ");
        assertTrue(r.parser.compact());
        r.feed(" \n<presence/>");
        assertEquals(2, r.elements().size());
    }

    @Test
    void compactedParserKeepsACustomStreamPrefixAndItsOtherDeclarations() throws Exception {
        Recorder r = new Recorder().feed("<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns='jabber:client'"
                + " xmlns:x='urn:x&amp;&apos;y'>");
        assertTrue(r.parser.compact());
        r.feed("<message><x:e/></message>");
        assertTrue(r.parser.compact());
        r.feed("<s:features/>");
        assertTrue(r.parser.compact());
        r.feed("</s:stream>");
        assertEquals(List.of(Element.builder("message", Namespaces.CLIENT).child(Element.empty("e", "urn:x&'y")).build(),
                Element.empty("features", Namespaces.STREAM)), r.elements());
        assertEquals(Recorder.CLOSED, r.events.get(r.events.size() - 1));
    }

    @Test
    void compactedParserStillEnforcesLimits() throws Exception {
        Recorder r = new Recorder(new XmppStreamParser.Limits(100, 64, 64, 4096)).feed(Recorder.HEADER);
        assertTrue(r.parser.compact());
        XmlStreamException e = assertThrows(XmlStreamException.class,
                () -> r.feed("<message><body>" + "x".repeat(100) + "</body></message>"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, e.condition());
    }

    @Test
    void compactAfterResetAndBeforeAnyInputHoldsNothing() throws Exception {
        Recorder r = new Recorder();
        assertTrue(r.parser.compact());
        r.feed(Recorder.HEADER);
        r.parser.reset();
        assertTrue(r.parser.compact());
        r.feed(Recorder.HEADER + "<presence/>");
        assertEquals(2, r.headers().size());
        assertEquals(1, r.elements().size());
    }
}
