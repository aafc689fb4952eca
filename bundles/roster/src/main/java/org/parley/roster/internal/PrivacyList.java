package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Element;

/**
 * A named privacy list (XEP-0016): its items in ascending order. The first item that matches a
 * stanza decides it; none matching allows it (section 2.2, rules 5 to 7). Immutable.
 */
record PrivacyList(String name, List<PrivacyItem> items) {
    PrivacyList {
        List<PrivacyItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong(PrivacyItem::order));
        items = List.copyOf(sorted);
    }

    /**
     * The item that decides a stanza of a kind exchanged with an entity, or null when none matches
     * (allowed).
     *
     * @param kind one of {@link PrivacyItem#MESSAGE}, {@code IQ}, {@code PRESENCE_IN}, {@code PRESENCE_OUT}, {@code OTHER}
     * @param rosterItem the user's roster item for the entity's bare JID, or null
     */
    PrivacyItem decide(Jid other, int kind, RosterItem rosterItem) {
        for (PrivacyItem item : items) {
            if (item.covers(kind) && item.matches(other, rosterItem)) {
                return item;
            }
        }
        return null;
    }

    boolean denies(Jid other, int kind, RosterItem rosterItem) {
        PrivacyItem item = decide(other, kind, rosterItem);
        return item != null && !item.allow();
    }

    /** True when a decision depends on the roster (a group or subscription item). */
    boolean needsRoster() {
        for (PrivacyItem item : items) {
            if (item.type() == PrivacyItem.Type.GROUP || item.type() == PrivacyItem.Type.SUBSCRIPTION) {
                return true;
            }
        }
        return false;
    }

    /** The JIDs this list blocks as the blocking command (XEP-0191) means it: its jid items denying everything. */
    BlockList blockList() {
        Set<Jid> jids = new LinkedHashSet<>();
        for (PrivacyItem item : items) {
            if (item.isBlock()) {
                jids.add(item.jid());
            }
        }
        return jids.isEmpty() ? BlockList.EMPTY : new BlockList(jids);
    }

    Element toElement() {
        Element.Builder b = Element.builder("list", Privacy.NAMESPACE).attribute("name", name);
        for (PrivacyItem item : items) {
            b.child(item.toElement());
        }
        return b.build();
    }
}
