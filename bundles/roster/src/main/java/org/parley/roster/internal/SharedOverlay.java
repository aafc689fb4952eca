package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * A stored roster as its owner sees it with shared groups: each member the owner shares a group
 * with is an item with subscription both, in the shared groups' names beside the owner's own
 * groups and with the owner's own name for it. Nothing of this is stored: when the groups
 * change, the stored item (or its absence) shows again, so leaving a group gives back exactly the
 * personal subscription the user had.
 */
final class SharedOverlay {
    private SharedOverlay() {
    }

    static Roster overlay(Roster stored, Map<String, SortedSet<String>> shared, String domain) {
        if (shared.isEmpty()) {
            return stored;
        }
        Map<String, RosterItem> items = new LinkedHashMap<>(stored.items());
        for (Map.Entry<String, SortedSet<String>> e : shared.entrySet()) {
            String contact = e.getKey() + "@" + domain;
            items.put(contact, item(stored.item(contact), contact, e.getValue()));
        }
        return new Roster(stored.version(), items);
    }

    /** The item the owner sees: the stored one when nothing is shared with the contact. */
    static RosterItem item(RosterItem stored, String contact, Set<String> sharedGroups) {
        if (sharedGroups.isEmpty()) {
            return stored;
        }
        RosterItem own = RosterItem.visibleOrNull(stored);
        List<String> groups = new ArrayList<>(sharedGroups);
        if (own != null) {
            for (String g : own.groups()) {
                if (!sharedGroups.contains(g)) {
                    groups.add(g);
                }
            }
        }
        return new RosterItem(contact, own == null ? null : own.name(), groups, Subscription.BOTH, false, false, null, false, true);
    }

    /** The roster version a client is given: the stored counter, and the shared contacts' tag when there are any. */
    static String version(long stored, String tag) {
        return tag.isEmpty() ? Long.toString(stored) : stored + "-" + tag;
    }

    /**
     * The stored version of a client's version when the client holds an older roster of the same
     * shared contacts (so the stored changes since are all it misses), else -1.
     */
    static long olderVersion(String clientVersion, long current, String tag) {
        if (clientVersion == null) {
            return -1;
        }
        int dash = clientVersion.indexOf('-');
        String counter = dash < 0 ? clientVersion : clientVersion.substring(0, dash);
        String clientTag = dash < 0 ? "" : clientVersion.substring(dash + 1);
        if (!clientTag.equals(tag)) {
            return -1;
        }
        return RosterService.olderVersion(counter, current);
    }
}
