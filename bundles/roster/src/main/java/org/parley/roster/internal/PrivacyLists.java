package org.parley.roster.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's privacy lists as stored (XEP-0016): every list by name, and which one is the default
 * (null: none). The block list of XEP-0191 is a view of the default list ({@link #blockList()}):
 * both protocols read and write the same rows. Immutable.
 */
record PrivacyLists(Map<String, PrivacyList> lists, String defaultName) {
    static final PrivacyLists NONE = new PrivacyLists(Map.of(), null);

    PrivacyLists {
        lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
        if (defaultName != null && !lists.containsKey(defaultName)) {
            defaultName = null;
        }
    }

    PrivacyList list(String name) {
        return name == null ? null : lists.get(name);
    }

    PrivacyList defaultList() {
        return list(defaultName);
    }

    BlockList blockList() {
        PrivacyList d = defaultList();
        return d == null ? BlockList.EMPTY : d.blockList();
    }

    PrivacyLists with(PrivacyList list) {
        Map<String, PrivacyList> next = new LinkedHashMap<>(lists);
        next.put(list.name(), list);
        return new PrivacyLists(next, defaultName);
    }

    PrivacyLists without(String name) {
        Map<String, PrivacyList> next = new LinkedHashMap<>(lists);
        next.remove(name);
        return new PrivacyLists(next, name.equals(defaultName) ? null : defaultName);
    }

    PrivacyLists withDefault(String name) {
        return new PrivacyLists(lists, name);
    }
}
