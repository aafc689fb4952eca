package org.parley.api.stanza;

import org.jxmpp.JxmppContext;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprep;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The addresses of received stanzas, parsed once per distinct text while they stay in use.
 *
 * <p>Every stanza's {@code to} is parsed, and a full parse runs PRECIS on each part (the largest
 * cost of a one-to-one message after TLS, measured). jxmpp keeps its own caches, of 100 entries:
 * a server with more than 100 correspondents active misses them nearly always and pays the parse
 * plus the eviction. This cache is sized for a busy server's working set, is direct-mapped (a slot
 * per hash, the newcomer replaces the occupant: no lock, no list to maintain) and costs nothing
 * until used. A slot holds an immutable entry, so a thread reading a slot another thread just
 * wrote sees a whole entry or the old one. Entries remember the stringprep they were made with, so
 * the PRECIS profile installed at start (or removed at stop) never meets an address prepared
 * by the other.
 */
final class JidCache {
    private static final int SLOTS = 4096;
    private static final Entry[] ENTRIES = new Entry[SLOTS];

    private record Entry(String text, XmppStringprep stringprep, Jid jid) {
    }

    private JidCache() {
    }

    static Jid parse(String text) throws XmppStringprepException {
        JxmppContext context = JxmppContext.getDefaultContext();
        int h = text.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Entry e = ENTRIES[slot];
        if (e != null && e.stringprep == context.xmppStringprep && e.text.equals(text)) {
            return e.jid;
        }
        Jid jid = JidCreate.from(text, context);
        ENTRIES[slot] = new Entry(text, context.xmppStringprep, jid);
        return jid;
    }
}
