package org.parley.session.internal;

/**
 * XEP-0198 stanza counts: unsigned 32-bit numbers that wrap from 2^32 - 1 to 0 (section 4). Held in
 * a long's low 32 bits; every comparison is done modulo 2^32, so a session that outlives four
 * billion stanzas keeps counting correctly.
 */
final class SmCounter {
    static final long MASK = 0xFFFF_FFFFL;

    private SmCounter() {
    }

    static long increment(long count) {
        return (count + 1) & MASK;
    }

    /** How far {@code to} is ahead of {@code from}, modulo 2^32 (0 to 2^32 - 1). */
    static long distance(long from, long to) {
        return (to - from) & MASK;
    }

    /**
     * Parses an {@code h} attribute: a decimal unsigned 32-bit number.
     *
     * @return the value, or -1 when it is missing or not such a number
     */
    static long parse(String h) {
        if (h == null || h.isEmpty() || h.length() > 10) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > MASK ? -1 : value;
    }
}
