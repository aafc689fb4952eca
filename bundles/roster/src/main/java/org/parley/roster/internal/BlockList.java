package org.parley.roster.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A user's blocked JIDs (XEP-0191), matched as XEP-0016 section 2.1 matches a JID: an item blocks a
 * JID when it equals the JID itself, its bare JID, its domain with its resource, or its domain. So
 * {@code romeo@montague.net} blocks every resource of Romeo, {@code montague.net} everyone there,
 * and {@code romeo@montague.net/orchard} only that resource.
 */
record BlockList(Set<Jid> items) {
    static final BlockList EMPTY = new BlockList(Set.of());

    BlockList {
        items = Set.copyOf(items);
    }

    boolean blocks(Jid other) {
        if (other == null || items.isEmpty()) {
            return false;
        }
        if (items.contains(other) || items.contains(other.asBareJid()) || items.contains(other.asDomainBareJid())) {
            return true;
        }
        return other.hasResource() && other.hasLocalpart()
                && items.contains(JidCreate.domainFullFrom(other.asDomainBareJid(), other.getResourceOrThrow()));
    }

    BlockList with(Collection<Jid> added) {
        Set<Jid> next = new LinkedHashSet<>(items);
        next.addAll(added);
        return new BlockList(next);
    }

    BlockList without(Collection<Jid> removed) {
        Set<Jid> next = new LinkedHashSet<>(items);
        next.removeAll(removed);
        return new BlockList(next);
    }

    int size() {
        return items.size();
    }
}
