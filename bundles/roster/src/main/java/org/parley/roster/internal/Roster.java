package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's roster as stored: every item, those the user sees and the records of requests from
 * people who are not in it, and the roster version (XEP-0237). Immutable.
 */
record Roster(long version, Map<String, RosterItem> items) {
    static final Roster EMPTY = new Roster(0, Map.of());

    Roster {
        // Every signed-in user's roster is cached, most of them empty on a large server: the shared
        // empty map instead of an empty LinkedHashMap, its wrapper and their views (~110 B each).
        items = items.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(items));
    }

    RosterItem item(String contact) {
        return items.get(contact);
    }

    /** The items the user sees, in stored order. */
    List<RosterItem> visible() {
        List<RosterItem> result = new ArrayList<>(items.size());
        for (RosterItem item : items.values()) {
            if (item.inRoster()) {
                result.add(item);
            }
        }
        return result;
    }

    int visibleCount() {
        int n = 0;
        for (RosterItem item : items.values()) {
            if (item.inRoster()) {
                n++;
            }
        }
        return n;
    }

    /** This roster with one item replaced (or removed, for null) at a new version. */
    Roster with(String contact, RosterItem item, long newVersion) {
        Map<String, RosterItem> next = new LinkedHashMap<>(items);
        if (item == null) {
            next.remove(contact);
        } else {
            next.put(contact, item);
        }
        return new Roster(newVersion, next);
    }
}
