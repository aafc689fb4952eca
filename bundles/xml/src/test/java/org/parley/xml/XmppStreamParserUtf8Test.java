package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * Ill-formed UTF-8 (RFC 3629 section 3) anywhere in a stream is {@code not-well-formed}: in text,
 * attribute values, names and the stream header, whatever the read boundaries, and in a stream
 * that follows a restart (STARTTLS, SASL). Nothing of the element that carries it is reported.
 *
 * <p>aalto 1.4.0 decodes overlong forms, encoded surrogates and code points above U+10FFFF
 * without complaint (an overlong {@code C0 BC} came out as {@code <}), so these pin the parser's
 * own check in front of it.
 */
class XmppStreamParserUtf8Test {
    private static final String STREAM_OPEN = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'";

    /** Where the bytes go: everything before them and everything after. */
    private record Place(String name, String before, String after) {
        byte[] with(byte[] bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bad);
            out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Place> PLACES = List.of(
            new Place("element text", Recorder.HEADER + "<message to='a@example.org'><body>x", "y</body></message>"),
            new Place("attribute value", Recorder.HEADER + "<message to='a", "b@example.org'><body>x</body></message>"),
            new Place("top-level element name", Recorder.HEADER + "<mess", "age to='a@example.org'/>"),
            new Place("child element name", Recorder.HEADER + "<message><bo", "dy/></message>"),
            new Place("attribute name", Recorder.HEADER + "<message t", "o='a@example.org'/>"),
            new Place("stream header attribute value", "<?xml version='1.0'?>" + STREAM_OPEN + " to='exa", "mple.org' version='1.0'>"),
            new Place("stream header attribute name", STREAM_OPEN + " ver", "sion='1.0'>"));

    /** Each class of ill-formed sequence RFC 3629 rules out, with examples at its edges. */
    static Stream<Arguments> illFormed() {
        return Stream.of(
                // overlong forms: '<', '>', NUL and the largest values of each length in one length too many
                illFormed("overlong <", 0xC0, 0xBC),
                illFormed("overlong >", 0xC0, 0xBE),
                illFormed("overlong NUL", 0xC0, 0x80),
                illFormed("overlong U+007F", 0xC1, 0xBF),
                illFormed("overlong 3-byte <", 0xE0, 0x80, 0xBC),
                illFormed("overlong U+07FF", 0xE0, 0x9F, 0xBF),
                illFormed("overlong 4-byte <", 0xF0, 0x80, 0x80, 0xBC),
                illFormed("overlong U+FFFF", 0xF0, 0x8F, 0xBF, 0xBF),
                // UTF-16 surrogates encoded as if they were characters (and CESU-8's pairs of them)
                illFormed("surrogate U+D800", 0xED, 0xA0, 0x80),
                illFormed("surrogate U+DFFF", 0xED, 0xBF, 0xBF),
                illFormed("surrogate pair", 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80),
                // code points above U+10FFFF
                illFormed("U+110000", 0xF4, 0x90, 0x80, 0x80),
                illFormed("F5 lead", 0xF5, 0x80, 0x80, 0x80),
                illFormed("F7 lead", 0xF7, 0xBF, 0xBF, 0xBF),
                // the 5- and 6-byte forms of RFC 2279
                illFormed("5-byte form", 0xF8, 0x88, 0x80, 0x80, 0x80),
                illFormed("6-byte form", 0xFC, 0x84, 0x80, 0x80, 0x80, 0x80),
                // sequences cut short by an ASCII byte, by markup, by another lead byte
                illFormed("truncated 2-byte", 0xC3, 'a'),
                illFormed("truncated 3-byte", 0xE2, 0x82, 'a'),
                illFormed("truncated 4-byte", 0xF0, 0x9F, 0x98, 'a'),
                illFormed("lead before lead", 0xC3, 0xC3, 0xA9),
                // continuation bytes with no lead byte
                illFormed("stray 80", 0x80),
                illFormed("stray BF", 0xBF),
                illFormed("continuation after a whole character", 0xC3, 0xA9, 0xA9));
    }

    private static Arguments illFormed(String name, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Arguments.of(name, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("illFormed")
    void illFormedUtf8IsNotWellFormedEverywhereAtEverySplit(String name, byte[] bad) {
        for (Place place : PLACES) {
            byte[] bytes = place.with(bad);
            for (List<byte[]> pieces : splits(bytes)) {
                Recorder r = new Recorder();
                XmlStreamException refused = feedUntilRefused(r, pieces, name + " in " + place);
                assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refused.condition(),
                        name + " in " + place + " split " + describe(pieces) + ": " + refused.getMessage());
                // never the element that carries them, nor a header that does
                assertTrue(r.elements().isEmpty(), name + " in " + place + ": reported " + r.elements());
                if (place.name().startsWith("stream header")) {
                    assertTrue(r.headers().isEmpty(), name + " in " + place + ": reported " + r.headers());
                }
            }
        }
    }

    /** After STARTTLS or SASL the client starts a new stream on the same parser: it is checked the same way. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("illFormed")
    void illFormedUtf8AfterAStreamRestartIsNotWellFormedAtEverySplit(String name, byte[] bad) throws Exception {
        Place place = new Place("text after a restart", Recorder.HEADER + "<message to='a@example.org'><body>x", "y</body></message>");
        byte[] bytes = place.with(bad);
        for (List<byte[]> pieces : splits(bytes)) {
            Recorder r = new Recorder();
            r.feed(Recorder.HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            r.parser.reset();
            XmlStreamException refused = feedUntilRefused(r, pieces, name + " after a restart");
            assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refused.condition(), name + " split " + describe(pieces));
            assertEquals(1, r.elements().size(), "only the <starttls/> before the restart: " + r.elements());
        }
    }

    /**
     * The first and last character of every sequence length and both sides of the surrogate gap,
     * in every place, whole whatever the split. Names get letters of 2 and 3 bytes instead: aalto
     * applies XML 1.0's 4th-edition name rules, which have no supplementary characters.
     */
    @Test
    void wellFormedCharactersAtEveryEdgeAreAcceptedAtEverySplit() throws Exception {
        String edges = "\u0080\u07FF\u0800\uD7FF\uE000\uFFFD\uD800\uDC00\uDBFF\uDFFF";
        assertEquals("c280dfbfe0a080ed9fbfee8080efbfbdf0908080f48fbfbf", HexFormat.of().formatHex(edges.getBytes(StandardCharsets.UTF_8)));
        String inNames = "\u00C0\u0905\u4E2D\uAC00";
        for (Place place : PLACES) {
            String chars = place.name().contains("name") ? inNames : edges;
            byte[] bytes = place.with(chars.getBytes(StandardCharsets.UTF_8));
            List<Object> expected = new Recorder().feed(bytes).events;
            assertEquals(place.name().startsWith("stream header") ? 1 : 2, expected.size(), place + ": " + expected);
            for (List<byte[]> pieces : splits(bytes)) {
                Recorder r = new Recorder();
                for (byte[] piece : pieces) {
                    r.feed(piece);
                }
                assertEquals(expected, r.events, place + " split " + describe(pieces));
            }
        }
        Element message = new Recorder().feed(PLACES.get(0).with(edges.getBytes(StandardCharsets.UTF_8))).elements().get(0);
        assertEquals("x" + edges + "y", message.childText("body"));
    }

    /** An overlong '<' must never become markup, nor a '<' in the text that reaches anyone. */
    @Test
    void overlongLessThanIsNeverDecoded() {
        Recorder r = new Recorder();
        byte[] bytes = new Place("", Recorder.HEADER + "<message to='a@example.org'><body>", "script></body></message>")
                .with(new byte[] {(byte) 0xC0, (byte) 0xBC});
        XmlStreamException refused = feedUntilRefused(r, List.of(bytes), "overlong <");
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refused.condition());
        assertTrue(refused.getMessage().contains("UTF-8"), refused.getMessage());
        assertTrue(r.elements().isEmpty());
    }

    /** The whole input, then every split into two pieces, then one byte at a time. */
    private static List<List<byte[]>> splits(byte[] bytes) {
        List<List<byte[]>> all = new ArrayList<>();
        all.add(List.of(bytes));
        for (int split = 1; split < bytes.length; split++) {
            all.add(List.of(java.util.Arrays.copyOfRange(bytes, 0, split), java.util.Arrays.copyOfRange(bytes, split, bytes.length)));
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        all.add(single);
        return all;
    }

    private static XmlStreamException feedUntilRefused(Recorder r, List<byte[]> pieces, String what) {
        for (byte[] piece : pieces) {
            try {
                r.feed(piece);
            } catch (XmlStreamException e) {
                assertNotNull(e.condition());
                return e;
            }
        }
        return fail(what + " was accepted when split " + describe(pieces) + "; reported " + r.events);
    }

    private static String describe(List<byte[]> pieces) {
        if (pieces.size() == 1) {
            return "(one piece)";
        }
        return pieces.size() == 2 ? "at byte " + pieces.get(0).length : "(byte by byte)";
    }
}
