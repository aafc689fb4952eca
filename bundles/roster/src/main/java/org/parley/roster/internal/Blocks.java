package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jxmpp.jid.Jid;

/**
 * The blocking command (XEP-0191) as edits of the default privacy list (XEP-0016), so that both
 * protocols share one model. A block adds deny-all jid items before every other item of the default
 * list (an allow item above them must not let a blocked JID through); an unblock removes those
 * items and nothing else (a partial deny, such as messages only, is a privacy rule, not a block, and
 * the block list does not show it). A block with no default list creates one.
 */
final class Blocks {
    private Blocks() {
    }

    static PrivacyLists apply(PrivacyLists lists, Collection<Jid> added, Collection<Jid> removed, boolean removeAll) {
        PrivacyList current = lists.defaultList();
        Set<Jid> blocked = current == null ? Set.of() : current.blockList().items();
        Set<Jid> toAdd = new LinkedHashSet<>(added);
        toAdd.removeAll(blocked);
        if (current == null) {
            if (toAdd.isEmpty()) {
                return lists;
            }
            String name = freeName(lists);
            current = new PrivacyList(name, List.of());
            lists = lists.with(current).withDefault(name);
        }
        List<PrivacyItem> kept = new ArrayList<>();
        for (PrivacyItem item : current.items()) {
            if (item.isBlock() && (removeAll || removed.contains(item.jid()))) {
                continue;
            }
            kept.add(item);
        }
        if (toAdd.isEmpty() && kept.size() == current.items().size()) {
            return lists;
        }
        List<PrivacyItem> items = new ArrayList<>(kept.size() + toAdd.size());
        long k = toAdd.size();
        long lowest = kept.isEmpty() ? k : kept.get(0).order();
        long shift = lowest >= k ? 0 : k - lowest;
        long next = lowest + shift - k;
        for (Jid jid : toAdd) {
            items.add(PrivacyItem.block(jid, next++));
        }
        for (PrivacyItem item : kept) {
            items.add(shift == 0 ? item : PrivacyItem.of(item.type(), item.value(), item.allow(), item.order() + shift, item.kinds()));
        }
        return lists.with(new PrivacyList(current.name(), items));
    }

    private static String freeName(PrivacyLists lists) {
        String name = BlockStore.BLOCK_LIST_NAME;
        for (int i = 2; lists.lists().containsKey(name); i++) {
            name = BlockStore.BLOCK_LIST_NAME + "-" + i;
        }
        return name;
    }
}
