package org.parley.muc.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.parley.api.stanza.Element;

/**
 * A room's recent groupchat messages, newest last, at most {@code limit} of them. What a joining
 * occupant gets is chosen by the XEP-0045 section 7.2.15 limits of their {@code <history/>}.
 */
final class History {
    /** A message as the room sent it (from room/nick, no to), when it arrived, and its size. */
    record Entry(Element message, Instant at, int chars) {
    }

    /** The limits of one join's {@code <history/>}; null means no limit of that kind. */
    record Request(Integer maxChars, Integer maxStanzas, Duration seconds, Instant since) {
        static final Request ALL = new Request(null, null, null, null);

        /**
         * Reads a {@code <history/>} element (null: no limits).
         *
         * @throws IllegalArgumentException saying which attribute is malformed
         */
        static Request from(Element history) {
            if (history == null) {
                return ALL;
            }
            Integer maxChars = count(history, "maxchars");
            Integer maxStanzas = count(history, "maxstanzas");
            Integer seconds = count(history, "seconds");
            Instant since = null;
            String s = history.attribute("since");
            if (s != null) {
                try {
                    since = Instant.parse(s.strip());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("history 'since' is not a XEP-0082 date and time: " + s);
                }
            }
            return new Request(maxChars, maxStanzas, seconds == null ? null : Duration.ofSeconds(seconds), since);
        }

        private static Integer count(Element e, String name) {
            String v = e.attribute(name);
            if (v == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(v.strip());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("history '" + name + "' must be a whole number of 0 or more: " + v);
            }
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private int limit;

    History(int limit) {
        this.limit = limit;
    }

    void limit(int newLimit) {
        limit = newLimit;
        trim();
    }

    int limit() {
        return limit;
    }

    void add(Entry entry) {
        entries.addLast(entry);
        trim();
    }

    private void trim() {
        while (entries.size() > limit) {
            entries.removeFirst();
        }
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The entry whose message carries this XEP-0359 stanza id given by {@code by}, or null. */
    Entry byStanzaId(String by, String id) {
        for (Entry e : entries) {
            if (id.equals(stanzaId(e.message(), by))) {
                return e;
            }
        }
        return null;
    }

    /** Takes this very entry out (its write failed). */
    void remove(Entry entry) {
        entries.removeIf(e -> e == entry);
    }

    /** Puts {@code replacement} where {@code entry} is (a moderated message's tombstone). */
    void replace(Entry entry, Entry replacement) {
        List<Entry> all = new ArrayList<>(entries);
        int i = all.indexOf(entry);
        if (i >= 0) {
            all.set(i, replacement);
            entries.clear();
            entries.addAll(all);
        }
    }

    /** The id a message's stanza-id element given by {@code by} carries, or null. */
    static String stanzaId(Element message, String by) {
        for (Element e : message.elements()) {
            if (e.is("stanza-id", Muc.STANZA_ID) && by.equals(e.attribute("by"))) {
                return e.attribute("id");
            }
        }
        return null;
    }

    /** The newest entries that fit every limit of the request, oldest first. */
    List<Entry> select(Request request, Instant now) {
        List<Entry> chosen = new ArrayList<>();
        int chars = 0;
        Instant notBefore = request.seconds() == null ? null : now.minus(request.seconds());
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (request.maxStanzas() != null && chosen.size() >= request.maxStanzas()) {
                break;
            }
            if (request.maxChars() != null && chars + e.chars() > request.maxChars()) {
                break;
            }
            if (notBefore != null && e.at().isBefore(notBefore) || request.since() != null && !e.at().isAfter(request.since())) {
                break;
            }
            chars += e.chars();
            chosen.add(e);
        }
        Collections.reverse(chosen);
        return chosen;
    }
}
