package org.parley.xml.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that a byte stream is well-formed UTF-8 as RFC 3629 section 4 defines it, one piece at a
 * time with the pieces split anywhere. aalto 1.4.0 decodes overlong forms (an overlong {@code <}
 * comes out as {@code <}), encoded surrogates and code points above U+10FFFF without complaint,
 * so the stream parser runs every byte through this before aalto sees it.
 *
 * <p>Allocation-free. The state between pieces is one int: {@link #BETWEEN_CHARACTERS}, or the
 * number of continuation bytes still due with the range the next one must fall in (only the
 * second byte of a sequence has a narrower range than 80..BF: that is where overlong forms,
 * surrogates and values above U+10FFFF are told apart). ASCII, almost all of XMPP, is skipped
 * eight bytes at a time.
 */
public final class Utf8 {
    /** The state at the start of a stream and after every complete character. */
    public static final int BETWEEN_CHARACTERS = 0;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    /** The range of an ordinary continuation byte, as packed in the state. */
    private static final int ANY_CONTINUATION = 0x80 << 8 | 0xBF;

    private Utf8() {
    }

    /**
     * Checks {@code buf[from, to)}, which continues a stream that was in {@code state}.
     *
     * @return the state after the last byte (≥ 0), or {@code ~i} (negative) when {@code buf[i]}
     *     makes the stream ill-formed
     */
    public static int check(byte[] buf, int from, int to, int state) {
        int i = from;
        // the rest of a character the previous piece began
        while (state != BETWEEN_CHARACTERS) {
            if (i == to) {
                return state;
            }
            int b = buf[i] & 0xFF;
            if (b < (state >>> 8 & 0xFF) || b > (state & 0xFF)) {
                return ~i;
            }
            int due = (state >>> 16) - 1;
            state = due == 0 ? BETWEEN_CHARACTERS : due << 16 | ANY_CONTINUATION;
            i++;
        }
        while (i < to) {
            while (i + 8 <= to && ((long) LONGS.get(buf, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            if (i == to) {
                break;
            }
            int b = buf[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            if (b < 0xC2 || b > 0xF4) {
                return ~i;
            }
            if (i + length > to) {
                // the character goes on in the next piece: check what is here and keep the state
                return check(buf, i + 1, to, lead(b));
            }
            // a whole character: only its second byte has a range other than 80..BF (see lead)
            int second = buf[i + 1] & 0xFF;
            if (second < (b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80) || second > (b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF)) {
                return ~(i + 1);
            }
            if (length > 2 && (buf[i + 2] & 0xC0) != 0x80) {
                return ~(i + 2);
            }
            if (length > 3 && (buf[i + 3] & 0xC0) != 0x80) {
                return ~(i + 3);
            }
            i += length;
        }
        return BETWEEN_CHARACTERS;
    }

    /** True when the state is inside a character: the stream so far ends with part of one. */
    public static boolean inCharacter(int state) {
        return state != BETWEEN_CHARACTERS;
    }

    /**
     * The state after lead byte {@code b} (80..FF), or -1 when it cannot start a character: a
     * continuation byte, C0 and C1 (only overlong forms of ASCII start with them) and F5..FF
     * (beyond U+10FFFF, and RFC 2279's 5- and 6-byte forms).
     */
    private static int lead(int b) {
        if (b < 0xC2) {
            return -1;
        }
        if (b < 0xE0) {
            return 1 << 16 | ANY_CONTINUATION;
        }
        if (b < 0xF0) {
            // E0 A0..BF: below A0 is an overlong 3-byte form; ED 80..9F: from A0 it is a surrogate
            int low = b == 0xE0 ? 0xA0 : 0x80;
            int high = b == 0xED ? 0x9F : 0xBF;
            return 2 << 16 | low << 8 | high;
        }
        if (b < 0xF5) {
            // F0 90..BF: below 90 is an overlong 4-byte form; F4 80..8F: from 90 it is above U+10FFFF
            int low = b == 0xF0 ? 0x90 : 0x80;
            int high = b == 0xF4 ? 0x8F : 0xBF;
            return 3 << 16 | low << 8 | high;
        }
        return -1;
    }
}
