package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stanza.Text;

class XmppStreamParserTest {
    /** Several stanzas with nesting, extensions, entities, CDATA, multibyte text and keepalives. */
    static final String STREAM = Recorder.HEADER
            + "<message to='juliet@example.com/balcony' type='chat' id='m1' xml:lang='de'>"
            + "<body>Grüße 日本語 🎉 &amp; &lt;tags&gt; &#x263A;</body>"
            + "<active xmlns='http://jabber.org/protocol/chatstates'/>"
            + "<request xmlns='urn:xmpp:receipts'/></message>\n \t"
            + "<presence><show>away</show><status>at <![CDATA[<lunch>]]> &apos;now&apos;</status>"
            + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.org' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
            + "</presence>"
            + "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b' name='A &quot;B&quot;'/></query></iq>"
            + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
            + "</stream:stream>";

    @Test
    void streamHeaderIsReportedWithItsAttributes() throws Exception {
        Recorder r = new Recorder().feed("<?xml version='1.0' encoding='UTF-8'?><stream:stream from='juliet@im.example.com'"
                + " to='im.example.com' version='1.0' xml:lang='en' id='abc' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>");
        assertEquals(List.of(new StreamHeader("im.example.com", "juliet@im.example.com", "1.0", "en", "abc",
                Namespaces.CLIENT, Namespaces.STREAM)), r.events);
    }

    @Test
    void absentHeaderAttributesAreNull() throws Exception {
        Recorder r = new Recorder().feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>");
        assertEquals(new StreamHeader(null, null, null, null, null, null, Namespaces.STREAM), r.headers().get(0));
    }

    @Test
    void stanzasAreReportedAsElementsWithResolvedNamespaces() throws Exception {
        List<Element> elements = new Recorder().feed(STREAM).elements();
        assertEquals(4, elements.size());
        Element message = elements.get(0);
        assertTrue(message.is("message", Namespaces.CLIENT));
        assertEquals("de", message.attribute("xml:lang"));
        assertEquals("Grüße 日本語 🎉 & <tags> ☺", message.childText("body"));
        assertEquals(Element.empty("active", "http://jabber.org/protocol/chatstates"), message.elements().get(1));
        Element status = elements.get(1).child("status", Namespaces.CLIENT);
        assertEquals(List.of(new Text("at <lunch> 'now'")), status.children(), "adjacent text, CDATA and entities merge");
        assertEquals("A \"B\"", elements.get(2).firstElement().firstElement().attribute("name"));
        Element features = elements.get(3);
        assertTrue(features.is("features", Namespaces.STREAM));
        assertEquals(Element.empty("bind", Namespaces.BIND), features.firstElement());
    }

    @Test
    void everySplitPointYieldsIdenticalEvents() throws Exception {
        byte[] bytes = Recorder.utf8(STREAM);
        List<Object> expected = new Recorder().feed(bytes).events;
        assertEquals(6, expected.size());
        for (int split = 0; split <= bytes.length; split++) {
            Recorder r = new Recorder();
            r.feed(bytes, 0, split);
            r.feed(bytes, split, bytes.length);
            assertEquals(expected, r.events, "split at byte " + split);
        }
    }

    @Test
    void everyPairOfSplitPointsYieldsIdenticalEvents() throws Exception {
        byte[] bytes = Recorder.utf8(STREAM);
        List<Object> expected = new Recorder().feed(bytes).events;
        for (int first = 0; first <= bytes.length; first += 3) {
            for (int second = first; second <= bytes.length; second += 7) {
                Recorder r = new Recorder();
                r.feed(bytes, 0, first);
                r.feed(bytes, first, second);
                r.feed(bytes, second, bytes.length);
                assertEquals(expected, r.events, "splits at " + first + " and " + second);
            }
        }
    }

    @Test
    void oneByteAtATimeYieldsIdenticalEvents() throws Exception {
        byte[] bytes = Recorder.utf8(STREAM);
        assertEquals(new Recorder().feed(bytes).events, new Recorder().feedInPieces(bytes, 1).events);
    }

    @Test
    void multibyteCharactersSplitAcrossPiecesAreDecoded() throws Exception {
        String text = "Grüße 日本語 🎉";
        byte[] bytes = Recorder.utf8(Recorder.HEADER + "<message><body a='" + text + "'>" + text + "</body></message>");
        int bodyStart = Recorder.utf8(Recorder.HEADER + "<message><body a='").length;
        // every split inside the attribute value and the text, including inside each UTF-8 sequence
        for (int split = bodyStart; split < bytes.length; split++) {
            Recorder r = new Recorder();
            r.feed(bytes, 0, split);
            r.feed(bytes, split, bytes.length);
            Element body = r.elements().get(0).firstElement();
            assertEquals(text, body.text(), "split at byte " + split);
            assertEquals(text, body.attribute("a"), "split at byte " + split);
        }
    }

    /**
     * Regression for an aalto 1.4.0 bug: a supplementary character split between two pieces inside
     * an attribute value came out as one wrong BMP character (U+F389 for U+1F389).
     */
    @Test
    void supplementaryCharacterSplitInsideAnAttributeValueSurvives() throws Exception {
        byte[] bytes = Recorder.utf8(Recorder.HEADER + "<presence><nick a='x🎉y'/></presence>");
        int lead = Recorder.utf8(Recorder.HEADER + "<presence><nick a='x").length;
        for (int split = lead + 1; split < lead + 4; split++) {
            Recorder r = new Recorder();
            r.feed(bytes, 0, split);
            assertFalse(r.parser.compact(), "a partial character is pending");
            r.feed(bytes, split, bytes.length);
            assertEquals("x🎉y", r.elements().get(0).firstElement().attribute("a"), "split at byte " + split);
        }
        Recorder bytewise = new Recorder();
        bytewise.feed(bytes, 0, lead + 1);
        bytewise.feed(bytes, lead + 1, lead + 2);
        bytewise.feed(bytes, lead + 2, lead + 3);
        bytewise.feed(bytes, lead + 3, bytes.length);
        assertEquals("x🎉y", bytewise.elements().get(0).firstElement().attribute("a"));
    }

    @Test
    void whitespaceKeepalivesAreIgnored() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER).feed(" ").feed("\n").feed("\r\n\t ")
                .feed("<presence/>").feed(" ").feed(" ");
        assertEquals(List.of(Element.empty("presence", Namespaces.CLIENT)), r.elements());
        assertEquals(2, r.events.size());
    }

    @Test
    void streamCloseIsReported() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<presence/></stream:stream>");
        assertEquals(Recorder.CLOSED, r.events.get(2));
    }

    @Test
    void customStreamPrefixAndPrefixFreeStanzasAreUnderstood() throws Exception {
        Recorder r = new Recorder().feed("<s:stream xmlns:s='http://etherx.jabber.org/streams'>"
                + "<message xmlns='jabber:client'><body>x</body></message><s:features/></s:stream>");
        assertEquals(Namespaces.STREAM, r.headers().get(0).streamNamespace());
        assertNull(r.headers().get(0).defaultNamespace());
        assertEquals(Namespaces.CLIENT, r.elements().get(0).namespace());
        assertTrue(r.elements().get(1).is("features", Namespaces.STREAM));
        assertEquals(Recorder.CLOSED, r.events.get(3));
    }

    @Test
    void attributesAreNamedAsTheElementModelSays() throws Exception {
        Element e = new Recorder().feed(Recorder.HEADER + "<message xmlns:x='urn:x' xml:lang='fr' type='chat' x:flag='1'>"
                + "<x:thing/><thing xmlns='urn:y' a='b'/></message>").elements().get(0);
        assertEquals(3, e.attributeCount(), "namespace declarations are not attributes");
        assertEquals("xml:lang", e.attributeName(0));
        assertEquals("fr", e.attribute("xml:lang"));
        assertEquals("type", e.attributeName(1));
        assertEquals("{urn:x}flag", e.attributeName(2));
        assertEquals("1", e.attribute("{urn:x}flag"));
        assertEquals(Element.empty("thing", "urn:x"), e.elements().get(0));
        assertEquals(Element.builder("thing", "urn:y").attribute("a", "b").build(), e.elements().get(1));
    }

    @Test
    void elementWithoutNamespaceHasTheEmptyNamespace() throws Exception {
        Element e = new Recorder().feed(Recorder.HEADER + "<message><x xmlns=''/></message>").elements().get(0);
        assertEquals("", e.firstElement().namespace());
    }

    @Test
    void resetExpectsANewStreamHeader() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        r.parser.reset();
        r.feed(Recorder.HEADER + "<iq type='set' id='b'/>");
        assertEquals(2, r.headers().size());
        assertEquals(List.of(Element.empty("auth", Namespaces.SASL),
                Element.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "b").build()), r.elements());
    }

    @Test
    void resetFromTheListenerHandsTheRestOfThePieceToTheNewStream() throws Exception {
        Recorder r = new Recorder() {
            @Override
            public void element(Element element) {
                super.element(element);
                if (element.is("starttls", Namespaces.TLS)) {
                    parser.reset();
                }
            }
        };
        r.feed(Recorder.HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='second'><presence/>");
        assertEquals(2, r.headers().size());
        assertEquals("second", r.headers().get(1).to());
        assertEquals(Element.empty("presence", Namespaces.CLIENT), r.elements().get(1));
    }

    @Test
    void aDeadParserThrowsTheSameFailureAgain() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER);
        XmlStreamException first = assertThrows(XmlStreamException.class, () -> r.feed("<a></b><c/>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, first.condition());
        assertSame(first, assertThrows(XmlStreamException.class, () -> r.feed("<presence/>")));
        r.parser.reset();
        assertSame(first, assertThrows(XmlStreamException.class, () -> r.feed(Recorder.HEADER)));
        assertEquals(1, r.events.size());
    }

    @Test
    void aFailingListenerKillsTheParser() throws Exception {
        Recorder r = new Recorder() {
            @Override
            public void element(Element element) {
                throw new IllegalStateException("boom");
            }
        };
        r.feed(Recorder.HEADER);
        assertThrows(IllegalStateException.class, () -> r.feed("<presence/>"));
        XmlStreamException after = assertThrows(XmlStreamException.class, () -> r.feed("<presence/>"));
        assertEquals(StreamErrorCondition.INTERNAL_SERVER_ERROR, after.condition());
    }

    @Test
    void manyStanzasInOneLongStreamParseLikeSeparateOnes() throws Exception {
        // more than the 64 KiB after which the parser renews its aalto reader between stanzas
        StringBuilder stream = new StringBuilder(Recorder.HEADER);
        for (int i = 0; i < 2000; i++) {
            stream.append("<message id='m").append(i).append("' xmlns:e='urn:e").append(i % 7)
                    .append("'><body>number ").append(i).append("</body><e:x e:n='").append(i).append("'/></message>");
        }
        byte[] bytes = Recorder.utf8(stream.toString());
        assertTrue(bytes.length > 2 * 64 * 1024);
        List<Element> whole = new Recorder().feed(bytes).elements();
        assertEquals(2000, whole.size());
        assertEquals("m1999", whole.get(1999).attribute("id"));
        assertEquals("1999", whole.get(1999).child("x", "urn:e4").attribute("{urn:e4}n"));
        assertEquals(whole, new Recorder().feedInPieces(bytes, 1000).elements());
        assertEquals(whole, new Recorder().feedInPieces(bytes, 4093).elements());
    }
    @Test
    void largeBodiesDoNotWearTheReaderOut() throws Exception {
        // 48 messages with 16 KiB bodies, 770 KiB: character data never enters the reader's name
        // table, so one reader reads them all (it was renewed every 64 KiB, every four messages)
        StringBuilder stream = new StringBuilder(Recorder.HEADER);
        String body = "0123456789abcdef".repeat(1024);
        for (int i = 0; i < 48; i++) {
            stream.append("<message id='m").append(i).append("' type='headline'><body>").append(body).append("</body></message>");
        }
        Recorder whole = new Recorder().feedInPieces(Recorder.utf8(stream.toString()), 16 * 1024 + 29);
        assertEquals(48, whole.elements().size());
        assertEquals(body, whole.elements().get(47).child("body", "jabber:client").text());
        assertEquals(1, whole.parser.readersOpened());
    }

    @Test
    void markupStillRenewsTheReader() throws Exception {
        // made-up names are what grows a reader's name table: 64 KiB of them and it is replaced
        StringBuilder stream = new StringBuilder(Recorder.HEADER);
        for (int i = 0; i < 1500; i++) {
            stream.append("<message id='m").append(i).append("'><x").append(i).append(" xmlns='urn:x' a").append(i)
                    .append("='v'/></message>");
        }
        Recorder recorder = new Recorder().feed(Recorder.utf8(stream.toString()));
        assertEquals(1500, recorder.elements().size());
        assertTrue(recorder.parser.readersOpened() >= 2, recorder.parser.readersOpened() + " readers");
    }

    @Test
    void aReaderThatReadALongTextIsReplacedAfterItsStanza() throws Exception {
        // aalto's text buffer keeps the size of the longest text it read: not for long
        String body = "x".repeat(40 * 1024);
        Recorder recorder = new Recorder().feed(Recorder.HEADER + "<message><body>" + body + "</body></message>");
        recorder.feed("<presence/>");
        assertEquals(2, recorder.elements().size());
        assertEquals(body, recorder.elements().get(0).child("body", "jabber:client").text());
        assertEquals(2, recorder.parser.readersOpened());
    }
}
