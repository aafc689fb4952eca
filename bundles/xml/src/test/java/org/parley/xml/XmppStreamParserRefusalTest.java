package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.parley.api.stanza.StreamErrorCondition;

class XmppStreamParserRefusalTest {
    private static final String BILLION_LAUGHS = "<?xml version='1.0'?>"
            + "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
            + "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
            + "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
            + "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
            + "<!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>"
            + "<!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>"
            + "<!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>"
            + "<!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>"
            + "<!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>"
            + "<!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>]>"
            + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<message><body>&lol9;</body></message>";

    /** Feeds the whole input, in one piece and one byte at a time, and returns the condition both gave. */
    private static StreamErrorCondition refusal(String xml) {
        return refusal(XmppStreamParser.Limits.DEFAULT, Recorder.utf8(xml));
    }

    private static StreamErrorCondition refusal(XmppStreamParser.Limits limits, byte[] bytes) {
        Recorder whole = new Recorder(limits);
        XmlStreamException inOnePiece = assertThrows(XmlStreamException.class, () -> whole.feed(bytes));
        Recorder bytewise = new Recorder(limits);
        XmlStreamException byteByByte = assertThrows(XmlStreamException.class, () -> bytewise.feedInPieces(bytes, 1));
        assertEquals(inOnePiece.condition(), byteByByte.condition(), "same condition whatever the split");
        assertTrue(whole.elements().isEmpty(), "nothing of the refused element is reported");
        return inOnePiece.condition();
    }

    @Test
    void doctypeIsRestrictedXml() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal("<?xml version='1.0'?><!DOCTYPE stream><stream:stream/>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML,
                refusal("<!DOCTYPE s SYSTEM 'http://example.org/s.dtd'><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"));
    }

    @Test
    void billionLaughsIsRefusedBeforeAnyExpansion() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(BILLION_LAUGHS));
    }

    @Test
    void entityDefinedInAnInternalSubsetIsNeverExpanded() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal("<!DOCTYPE s SYSTEM 'x' [<!ENTITY e 'expanded'>]>"
                + "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><message>&e;</message>"));
    }

    @Test
    void commentsAreRestrictedXmlWherever() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal("<!-- hi --><stream:stream/>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<!-- between stanzas -->"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<message><!-- inside --></message>"));
    }

    @Test
    void processingInstructionsAreRestrictedXml() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<?evil data?>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<message><?evil data?></message>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal("<?xml version='1.0'?><?xml-stylesheet href='a'?><stream:stream/>"));
    }

    @Test
    void undeclaredEntitiesAreRestrictedXml() {
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<message><body>a &custom; b</body></message>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<message to='&custom;'/>"));
    }

    @Test
    void malformedXmlIsNotWellFormed() {
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message><body></message></body>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message to='a' to='b'/>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message>&#1;</message>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message a=b/>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "</stream:stream><presence/>"));
    }

    @Test
    void markupDeclarationInsideTheStreamIsRestrictedXml() {
        // Not well-formed XML too (a DOCTYPE only goes before the root), but RFC 6120 section 11.1
        // names the condition for a DTD wherever it appears.
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<!DOCTYPE x>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<!DOCTYPE x [<!ENTITY a 'b'>]><message>&a;</message>"));
        assertEquals(StreamErrorCondition.RESTRICTED_XML, refusal(Recorder.HEADER + "<message><!ENTITY a 'b'></message>"));
    }

    @Test
    void invalidUtf8IsNotWellFormed() {
        byte[] header = Recorder.utf8(Recorder.HEADER + "<message><body>");
        byte[] bytes = java.util.Arrays.copyOf(header, header.length + 3);
        bytes[header.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        bytes[header.length + 1] = 'x';
        bytes[header.length + 2] = '<';
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(XmppStreamParser.Limits.DEFAULT, bytes));
    }

    /** XML 1.0 section 2.2: well-formed UTF-8 for characters XML does not allow, in text (read lazily by aalto) and attributes. */
    @Test
    void charactersXmlDoesNotAllowAreNotWellFormed() {
        for (String c : new String[] {"\uFFFE", "\uFFFF", "\u0001", "\u001B", "&#xFFFE;", "&#1;"}) {
            assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message><body>x" + c + "y</body></message>"), c);
            assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(Recorder.HEADER + "<message to='x" + c + "y'/>"), c);
        }
    }

    @Test
    void undeclaredPrefixIsBadNamespacePrefix() {
        assertEquals(StreamErrorCondition.BAD_NAMESPACE_PREFIX, refusal(Recorder.HEADER + "<foo:message/>"));
        assertEquals(StreamErrorCondition.BAD_NAMESPACE_PREFIX, refusal(Recorder.HEADER + "<message foo:bar='1'/>"));
        assertEquals(StreamErrorCondition.BAD_NAMESPACE_PREFIX, refusal("<stream:stream xmlns='jabber:client'>"));
    }

    @Test
    void streamHeaderInAnotherNamespaceIsInvalidNamespace() {
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE,
                refusal("<stream:stream xmlns='jabber:client' xmlns:stream='http://wrong.namespace.example.org/'>"));
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, refusal("<stream xmlns='jabber:client'>"));
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, refusal("<message xmlns='jabber:client'><body/></message>"));
    }

    @Test
    void streamNamespaceAsContentNamespaceIsInvalidNamespace() {
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, refusal("<stream xmlns='http://etherx.jabber.org/streams'>"));
    }

    @Test
    void firstElementInTheStreamNamespaceButNotStreamIsNotWellFormed() {
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                refusal("<stream:features xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"));
    }

    @Test
    void encodingOtherThanUtf8IsUnsupportedEncoding() {
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING,
                refusal("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream/>"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal("<?xml version='1.0' encoding='UTF-16'?><stream:stream/>"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal("<?xml version='1.0' encoding='US-ASCII'?><stream:stream/>"));
    }

    @Test
    void utf16StreamIsUnsupportedEncoding() {
        byte[] withBom = new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '<', 0, 's', 0, '>'};
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(XmppStreamParser.Limits.DEFAULT, withBom));
        byte[] littleEndian = new byte[] {'<', 0, 's', 0, '>', 0};
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(XmppStreamParser.Limits.DEFAULT, littleEndian));
    }

    @Test
    void lowerCaseUtf8DeclarationIsAccepted() throws Exception {
        Recorder r = new Recorder().feed("<?xml version='1.0' encoding='utf-8'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>");
        assertEquals(1, r.headers().size());
    }

    @Test
    void xml11IsBadFormat() {
        assertEquals(StreamErrorCondition.BAD_FORMAT, refusal("<?xml version='1.1'?><stream:stream/>"));
    }

    @Test
    void textOutsideStanzasIsBadFormat() {
        assertEquals(StreamErrorCondition.BAD_FORMAT, refusal(Recorder.HEADER + " hello <presence/>"));
        assertEquals(StreamErrorCondition.BAD_FORMAT, refusal(Recorder.HEADER + "<![CDATA[x]]>"));
    }

    private static XmppStreamParser.Limits stanzaLimit(int bytes) {
        return new XmppStreamParser.Limits(bytes, 64, 64, 4096);
    }

    @Test
    void stanzaOfExactlyTheLimitIsAcceptedAndOneByteMoreIsPolicyViolation() throws Exception {
        String stanza = "<message><body>" + "x".repeat(100) + "</body></message>";
        int size = stanza.length();
        byte[] bytes = Recorder.utf8(Recorder.HEADER + " " + stanza + " " + stanza);
        assertEquals(2, new Recorder(stanzaLimit(size)).feed(bytes).elements().size());
        assertEquals(2, new Recorder(stanzaLimit(size)).feedInPieces(bytes, 1).elements().size());
        assertEquals(2, new Recorder(stanzaLimit(size)).feedInPieces(bytes, 37).elements().size());
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, refusal(stanzaLimit(size - 1), bytes));
    }

    @Test
    void oversizedStanzaIsRefusedAsSoonAsTheLimitIsCrossed() throws Exception {
        Recorder r = new Recorder(stanzaLimit(1000));
        r.feed(Recorder.HEADER + "<message><body>");
        byte[] chunk = Recorder.utf8("y".repeat(100));
        int fedInStanza = "<message><body>".length();
        // never closed: it is refused on the piece that takes it past 1000 bytes, not at its end
        while (fedInStanza + chunk.length <= 1000) {
            r.feed(chunk);
            fedInStanza += chunk.length;
        }
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed(chunk));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, e.condition());
    }

    @Test
    void oversizedStanzaInOneHugePieceIsRefused() {
        byte[] bytes = Recorder.utf8(Recorder.HEADER + "<message><body>" + "z".repeat(5_000_000) + "</body></message>");
        Recorder r = new Recorder();
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed(bytes));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, e.condition());
    }

    @Test
    void unendingMarkupBetweenStanzasIsPolicyViolation() {
        // a comment that never ends is refused by size before aalto reports it
        Recorder r = new Recorder(stanzaLimit(500));
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed(Recorder.HEADER + "<!--" + "c".repeat(600)));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, e.condition());
    }

    @Test
    void oversizedStreamHeaderIsPolicyViolation() {
        String header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + "a".repeat(5000) + "'>";
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, refusal(header));
    }

    @Test
    void nestingDeeperThanTheLimitIsPolicyViolation() throws Exception {
        XmppStreamParser.Limits limits = new XmppStreamParser.Limits(262_144, 5, 64, 4096);
        String fiveDeep = "<a><b><c><d><e/></d></c></b></a>";
        assertEquals(1, new Recorder(limits).feed(Recorder.HEADER + fiveDeep).elements().size());
        assertEquals(StreamErrorCondition.POLICY_VIOLATION,
                refusal(limits, Recorder.utf8(Recorder.HEADER + "<a><b><c><d><e><f/></e></d></c></b></a>")));
    }

    @Test
    void moreAttributesThanTheLimitIsPolicyViolation() throws Exception {
        XmppStreamParser.Limits limits = new XmppStreamParser.Limits(262_144, 64, 3, 4096);
        String header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
        assertEquals(1, new Recorder(limits).feed(header + "<message a='1' b='2' c='3'/>").elements().size());
        assertEquals(StreamErrorCondition.POLICY_VIOLATION,
                refusal(limits, Recorder.utf8(header + "<message a='1' b='2' c='3' d='4'/>")));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION,
                refusal(limits, Recorder.utf8(header + "<message a='1' b='2' xmlns:x='urn:x' xmlns:y='urn:y'/>")));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, refusal(limits, Recorder.utf8(Recorder.HEADER)));
    }
}
