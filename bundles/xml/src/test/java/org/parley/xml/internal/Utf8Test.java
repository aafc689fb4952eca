package org.parley.xml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer out = CharBuffer.allocate(8);

    /** The JDK's decoder follows RFC 3629 strictly; the check must agree with it byte for byte. */
    @Test
    void agreesWithTheJdkDecoderOnEverySequenceOfUpToThreeBytes() {
        byte[] b = new byte[3];
        for (int first = 0; first < 256; first++) {
            b[0] = (byte) first;
            assertAgrees(b, 1);
            for (int second = 0; second < 256; second++) {
                b[1] = (byte) second;
                assertAgrees(b, 2);
                if (first >= 0xE0) {
                    for (int third = 0; third < 256; third++) {
                        b[2] = (byte) third;
                        assertAgrees(b, 3);
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnFourByteSequencesAtEveryEdge() {
        int[] edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xF4, 0xF5, 0xFF};
        byte[] b = new byte[4];
        for (int first = 0xF0; first < 0x100; first++) {
            b[0] = (byte) first;
            for (int second = 0; second < 256; second++) {
                b[1] = (byte) second;
                for (int third : edges) {
                    b[2] = (byte) third;
                    for (int fourth : edges) {
                        b[3] = (byte) fourth;
                        assertAgrees(b, 4);
                    }
                }
            }
        }
    }

    /** The state carries a character split over pieces; every split of a valid text ends between characters. */
    @Test
    void aCharacterSplitAcrossPiecesIsCheckedAsOne() {
        byte[] text = "a\u00e9\u20ac\ud83c\udf89 long enough to use the eight-byte ASCII path \ud83c\udf89".getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= text.length; split++) {
            int state = Utf8.check(text, 0, split, Utf8.BETWEEN_CHARACTERS);
            assertTrue(state >= 0, "split at " + split);
            assertEquals(Utf8.BETWEEN_CHARACTERS, Utf8.check(text, split, text.length, state), "split at " + split);
        }
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        int afterLead = Utf8.check(surrogate, 0, 1, Utf8.BETWEEN_CHARACTERS);
        assertTrue(Utf8.inCharacter(afterLead));
        assertEquals(~1, Utf8.check(surrogate, 1, 3, afterLead), "refused at its second byte, index 1");
    }

    @Test
    void theIndexOfTheOffendingByteIsReportedPastTheAsciiFastPath() {
        byte[] b = "0123456789abcdefghij\u00e9xyz".getBytes(StandardCharsets.UTF_8);
        b[17] = (byte) 0x80;
        assertEquals(~17, Utf8.check(b, 0, b.length, Utf8.BETWEEN_CHARACTERS));
        assertEquals(~17, Utf8.check(b, 3, b.length, Utf8.BETWEEN_CHARACTERS));
    }

    private void assertAgrees(byte[] bytes, int length) {
        out.clear();
        // endOfInput: a character still under way at the end is an error, as it is for the check
        boolean jdkAccepts = !jdk.reset().decode(ByteBuffer.wrap(bytes, 0, length), out, true).isError();
        int state = Utf8.check(bytes, 0, length, Utf8.BETWEEN_CHARACTERS);
        boolean accepts = state == Utf8.BETWEEN_CHARACTERS;
        assertEquals(jdkAccepts, accepts, () -> HexFormat.ofDelimiter(" ").formatHex(bytes, 0, length));
    }
}
