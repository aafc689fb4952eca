package org.parley.xml.internal;

/**
 * Escapes character data and attribute values (written between single quotes) for XML 1.0.
 *
 * <p>Besides the markup characters, characters that would not survive a parse are escaped: a
 * carriage return in text and CR, LF and tab in attribute values become character references
 * (parsers normalise them otherwise). Characters XML 1.0 cannot carry at all (C0 controls other
 * than tab, LF and CR; unpaired surrogates; U+FFFE and U+FFFF) become U+FFFD: a stanza the server
 * built from outside data must never make the recipient's stream not-well-formed.
 *
 * <p>Runs of characters that need nothing are appended in bulk. The scan looks ASCII up in a
 * table, because JIDs, ids and namespace URIs are full of digits and punctuation below
 * {@code '>'} that a range test would send through the slow path; other text below the
 * surrogates needs nothing.
 */
public final class Escaper {
    private static final String REPLACEMENT = "\uFFFD";
    private static final boolean[] TEXT_SAFE = asciiSafe(false);
    private static final boolean[] ATTRIBUTE_SAFE = asciiSafe(true);

    private Escaper() {
    }

    /** Appends character data: escapes {@code & < >} (and CR). */
    public static void text(String s, StringBuilder out) {
        escape(s, out, false);
    }

    /** Appends an attribute value for single-quoted output: escapes {@code & < > " '} (and CR, LF, tab). */
    public static void attribute(String s, StringBuilder out) {
        escape(s, out, true);
    }

    /** Which ASCII characters need no escaping. */
    private static boolean[] asciiSafe(boolean attribute) {
        boolean[] safe = new boolean[128];
        for (char c = 0x20; c < 128; c++) {
            safe[c] = c != '&' && c != '<' && c != '>' && !(attribute && (c == '\'' || c == '"'));
        }
        safe['\n'] = !attribute;
        safe['\t'] = !attribute;
        return safe;
    }

    private static void escape(String s, StringBuilder out, boolean attribute) {
        boolean[] safe = attribute ? ATTRIBUTE_SAFE : TEXT_SAFE;
        int n = s.length();
        int done = 0; // s[0, done) is already appended
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 128 ? safe[c] : c < Character.MIN_SURROGATE) {
                continue;
            }
            String replacement;
            switch (c) {
                case '&' -> replacement = "&amp;";
                case '<' -> replacement = "&lt;";
                case '>' -> replacement = "&gt;";
                case '\r' -> replacement = "&#13;";
                case '\'' -> replacement = attribute ? "&apos;" : null;
                case '"' -> replacement = attribute ? "&quot;" : null;
                case '\n' -> replacement = attribute ? "&#10;" : null;
                case '\t' -> replacement = attribute ? "&#9;" : null;
                default -> {
                    if (c < 0x20 || c == '\uFFFE' || c == '\uFFFF') {
                        replacement = REPLACEMENT;
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++; // a valid pair: keep both halves
                        replacement = null;
                    } else if (Character.isSurrogate(c)) {
                        replacement = REPLACEMENT;
                    } else {
                        replacement = null;
                    }
                }
            }
            if (replacement != null) {
                out.append(s, done, i).append(replacement);
                done = i + 1;
            }
        }
        out.append(s, done, n);
    }
}
