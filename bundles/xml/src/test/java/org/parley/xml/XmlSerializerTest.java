package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stanza.Text;

class XmlSerializerTest {

    /** Parses serialized top-level elements in a stream opened by the serializer's own header. */
    private static List<Element> parse(String elements) throws XmlStreamException {
        return new Recorder().feed(XmlSerializer.streamHeader("example.org", null, "s1", "1.0", "en") + elements).elements();
    }

    private static void assertRoundTrip(Element element) throws XmlStreamException {
        assertEquals(List.of(element), parse(XmlSerializer.toXml(element)), XmlSerializer.toXml(element));
    }

    @Test
    void streamHeaderDeclaresTheNamespacesAndLeavesOutNullAttributes() {
        assertEquals("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                + " from='example.org' id='c2s-1' version='1.0' xml:lang='en'>",
                XmlSerializer.streamHeader("example.org", null, "c2s-1", "1.0", "en"));
    }

    @Test
    void streamHeaderEscapesAttributeValuesAndParsesBack() throws Exception {
        String header = XmlSerializer.streamHeader("a'b", "<to&\">", "i", "1.0", null);
        assertEquals("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                + " from='a&apos;b' to='&lt;to&amp;&quot;&gt;' id='i' version='1.0'>", header);
        assertEquals(List.of(new StreamHeader("<to&\">", "a'b", "1.0", null, "i", Namespaces.CLIENT, Namespaces.STREAM)),
                new Recorder().feed(header).events);
    }

    @Test
    void streamCloseIsTheStreamEndTag() throws Exception {
        assertEquals("</stream:stream>", XmlSerializer.streamClose());
        Recorder r = new Recorder().feed(XmlSerializer.streamHeader(null, null, null, null, null) + XmlSerializer.streamClose());
        assertEquals(Recorder.CLOSED, r.events.get(1));
    }

    @Test
    void jabberClientElementsInheritTheStreamDefaultNamespace() {
        Element message = Element.builder("message", Namespaces.CLIENT).attribute("to", "a@b").attribute("type", "chat")
                .textChild("body", "hi").build();
        assertEquals("<message to='a@b' type='chat'><body>hi</body></message>", XmlSerializer.toXml(message));
    }

    @Test
    void onAServerStreamStanzasAreWrittenInItsNamespaceAndOthersKeepTheirs() {
        assertEquals("<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'"
                + " from='example.org' version='1.0'>", XmlSerializer.streamHeader(Namespaces.SERVER, "example.org", null, null, "1.0", null));
        Element error = Element.builder("message", Namespaces.CLIENT).attribute("type", "error")
                .child(Element.builder("body", Namespaces.CLIENT).text("hi").build())
                .child(Element.builder("error", Namespaces.CLIENT).attribute("type", "cancel")
                        .child(Element.empty("service-unavailable", Namespaces.STANZAS_ERROR)).build())
                .child(Element.empty("x", "urn:example")).build();
        String expected = "<message type='error'><body>hi</body><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error><x xmlns='urn:example'/></message>";
        assertEquals(expected, new String(XmlSerializer.toBytes(error, Namespaces.SERVER), StandardCharsets.UTF_8));
        assertEquals(expected, new String(XmlSerializer.toBytes(error, Namespaces.COMPONENT_ACCEPT), StandardCharsets.UTF_8));
        assertEquals(expected, XmlSerializer.toXml(error), "and the same bytes on a client stream");
    }

    @Test
    void stanzasOfServerAndComponentStreamsAreReadIntoJabberClientAndWrittenBack() throws Exception {
        for (String ns : List.of(Namespaces.SERVER, Namespaces.COMPONENT_ACCEPT)) {
            Element message = Element.builder("message", Namespaces.CLIENT).attribute("to", "a@example.org")
                    .child(Element.builder("body", Namespaces.CLIENT).text("hi").build())
                    .child(Element.empty("x", "urn:example")).build();
            String wire = XmlSerializer.streamHeader(ns, "example.org", null, "s1", "1.0", null)
                    + new String(XmlSerializer.toBytes(message, ns), StandardCharsets.UTF_8);
            assertEquals(List.of(message), new Recorder().feed(wire).elements(), ns);
        }
    }

    @Test
    void anElementInAnotherStanzaNamespaceIsDeclaredOnAClientStream() {
        Element foreign = Element.builder("message", Namespaces.SERVER).build();
        assertEquals("<message xmlns='jabber:server'/>", XmlSerializer.toXml(foreign));
    }

    @Test
    void aNamespaceChangeIsDeclaredOnceAndInherited() {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", "1")
                .child(Element.builder("query", "jabber:iq:roster")
                        .child(Element.builder("item", "jabber:iq:roster").attribute("jid", "a@b").textChild("group", "G").build())
                        .build())
                .build();
        assertEquals("<iq type='result' id='1'><query xmlns='jabber:iq:roster'><item jid='a@b'><group>G</group></item></query></iq>",
                XmlSerializer.toXml(iq));
        Element sasl = Element.empty("success", Namespaces.SASL);
        assertEquals("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", XmlSerializer.toXml(sasl));
    }

    @Test
    void elementWithoutNamespaceUndeclaresTheDefault() {
        Element e = Element.builder("message", Namespaces.CLIENT).child(Element.empty("raw", "")).build();
        assertEquals("<message><raw xmlns=''/></message>", XmlSerializer.toXml(e));
    }

    @Test
    void streamNamespaceElementsUseTheStreamPrefix() {
        Element features = Element.builder("features", Namespaces.STREAM)
                .child(Element.builder("mechanisms", Namespaces.SASL).textChild("mechanism", "PLAIN").build())
                .child(Element.empty("bind", Namespaces.BIND))
                .build();
        assertEquals("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                + "</mechanisms><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>", XmlSerializer.toXml(features));
        assertEquals("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text"
                + " xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>bad</text></stream:error>",
                XmlSerializer.toXml(StreamErrorCondition.NOT_WELL_FORMED.toElement("bad")));
    }

    @Test
    void clarkAttributesGetAGeneratedPrefix() {
        Element e = Element.builder("message", Namespaces.CLIENT).attribute("xml:lang", "de")
                .attribute("{urn:a}x", "1").attribute("{urn:b}y", "2").attribute("{}z", "3")
                .attribute("{" + Namespaces.XML + "}space", "preserve").build();
        assertEquals("<message xml:lang='de' xmlns:ns0='urn:a' ns0:x='1' xmlns:ns1='urn:b' ns1:y='2' z='3'"
                + " xml:space='preserve'/>", XmlSerializer.toXml(e));
    }

    @Test
    void textEscapesMarkupCharacters() {
        Element e = Element.builder("body", Namespaces.CLIENT).text("a & b < c > d \" e ' f ]]> \r\n\tg").build();
        assertEquals("<body>a &amp; b &lt; c &gt; d \" e ' f ]]&gt; &#13;\n\tg</body>", XmlSerializer.toXml(e));
    }

    @Test
    void attributeValuesEscapeQuotesAndWhitespaceThatParsersNormalise() {
        Element e = Element.builder("x", Namespaces.CLIENT).attribute("v", "a&b<c>d\"e'f\r\n\tg").build();
        assertEquals("<x v='a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;&#10;&#9;g'/>", XmlSerializer.toXml(e));
    }

    @Test
    void everyAsciiCharacterXmlCanCarrySurvivesARoundTripInTextAndAttributes() throws Exception {
        // ASCII is where the escaper's lookup table decides; beyond it, one of each kind of character.
        StringBuilder all = new StringBuilder("\t\n\r");
        for (char c = 0x20; c < 0x80; c++) {
            all.append(c);
        }
        all.append("\u00E9\u4E2D\u2028\uD7FF\uE000\uFFFD😀");
        assertRoundTrip(Element.builder("body", Namespaces.CLIENT).attribute("v", all.toString()).text(all.toString()).build());
    }

    @Test
    void charactersXmlCannotCarryBecomeReplacementCharacters() {
        Element e = Element.builder("body", Namespaces.CLIENT).text("a\u0000b\u001Bc\uD800d\uDC00e\uFFFEf😀").build();
        assertEquals("<body>a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf😀</body>", XmlSerializer.toXml(e));
    }

    @Test
    void toBytesIsUtf8AndWriteAppends() {
        Element e = Element.builder("body", Namespaces.CLIENT).text("Grüße 日本語 🎉").build();
        assertArrayEquals("<body>Grüße 日本語 🎉</body>".getBytes(StandardCharsets.UTF_8), XmlSerializer.toBytes(e));
        StringBuilder out = new StringBuilder("prefix:");
        XmlSerializer.write(e, out);
        assertEquals("prefix:<body>Grüße 日本語 🎉</body>", out.toString());
    }

    @Test
    void namespaceDeclarationsAsAttributesAreRefused() {
        for (String name : new String[] {"xmlns", "xmlns:x", "foo:bar", "{http://www.w3.org/2000/xmlns/}x", "{urn:x}"}) {
            Element e = Element.builder("x", Namespaces.CLIENT).attribute(name, "v").build();
            assertThrows(IllegalArgumentException.class, () -> XmlSerializer.toXml(e), name);
        }
    }

    @Test
    void parsingTheOutputGivesBackTheElement() throws Exception {
        assertRoundTrip(Element.builder("message", Namespaces.CLIENT)
                .attribute("to", "juliet@example.com/balcony").attribute("type", "chat").attribute("xml:lang", "en")
                .attribute("id", "a'b\"c&d<e>\r\n\t")
                .textChild("body", "Grüße 日本語 🎉 & <b>bold</b> ]]> \r\n\ttabs")
                .child(Element.builder("active", "http://jabber.org/protocol/chatstates").build())
                .child(Element.builder("x", "urn:x").attribute("{urn:y}a", "1").attribute("{urn:x}b", "2")
                        .child(Element.builder("y", "urn:y").child(Element.empty("z", "urn:x")).text("t").build())
                        .child(Element.builder("features", Namespaces.STREAM).text("s").build())
                        .child(Element.empty("none", ""))
                        .build())
                .build());
        assertRoundTrip(StreamErrorCondition.POLICY_VIOLATION.toElement("too big"));
        assertRoundTrip(Element.builder("presence", Namespaces.CLIENT).child(new Text("   ")).build());
        assertRoundTrip(Element.empty("r", "urn:xmpp:sm:3"));
    }
}
