package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Block lists (XEP-0191): retrieval, block and unblock with pushes to the resources that asked for
 * the list, and what blocking does to presence. Part of the roster because blocking acts on the
 * same relations: the contacts who see the user's presence lose it at a block and see it again at
 * an unblock. Enforcement on stanzas is {@link BlockingInterceptor}'s.
 */
final class Blocking {
    static final String NAMESPACE = "urn:xmpp:blocking";
    static final String ERRORS = "urn:xmpp:blocking:errors";

    /** What a block or unblock changed. */
    record Change(BlockList before, BlockList after) {
    }

    private final RosterService rosters;
    private final Privacy privacy;
    /** Sessions (by id) that asked for their block list: they get the pushes (XEP-0191 section 3.3). */
    final Set<String> interested = ConcurrentHashMap.newKeySet();
    private final AtomicLong pushes = new AtomicLong();

    Blocking(Privacy privacy, RosterService rosters) {
        this.privacy = privacy;
        this.rosters = rosters;
    }

    void migrate() {
        privacy.store().migrate();
    }

    /** The user's block list: the block items of the default privacy list ({@link Blocks}). */
    CompletionStage<BlockList> list(EntityBareJid user) {
        return privacy.lists(user).thenApply(PrivacyLists::blockList);
    }

    /** True for an account of this server (whose block list applies to what it sends). */
    boolean isLocalAccount(Jid jid) {
        return jid != null && jid.hasLocalpart() && jid.asDomainBareJid().equals(rosters.domain());
    }

    boolean isServer(Jid jid) {
        return jid != null && !jid.hasLocalpart() && !jid.hasResource() && jid.asDomainBareJid().equals(rosters.domain());
    }

    // ---- the protocol ----

    CompletionStage<Stanza> get(Stanza iq, Session origin) {
        if (!iq.payload().name().equals("blocklist")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a get asks for <blocklist/>"));
        }
        interested.add(origin.id());
        return list(origin.bareJid()).thenApply(list -> iq.resultReply(itemsElement("blocklist", list.items())))
                .exceptionally(e -> RosterService.refusal(iq, e));
    }

    /**
     * The request's error is answered without its payload: a client library that parses the echoed
     * payload (Smack does) would choke on the very JID that was refused, and never see the error.
     */
    CompletionStage<Stanza> set(Stanza request, Session origin) {
        Element payload = request.payload();
        Stanza iq = RosterService.withoutPayload(request);
        boolean block = payload.name().equals("block");
        if (!block && !payload.name().equals("unblock")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a set holds <block/> or <unblock/>"));
        }
        List<Jid> jids = new ArrayList<>();
        for (Element item : payload.elements()) {
            if (!item.is("item", NAMESPACE)) {
                continue;
            }
            String value = item.attribute("jid");
            if (value == null) {
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "an item needs a jid"));
            }
            try {
                jids.add(JidCreate.from(value));
            } catch (XmppStringprepException | IllegalArgumentException e) {
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.JID_MALFORMED, "not a JID: " + value));
            }
        }
        if (block && jids.isEmpty()) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a block names at least one JID"));
        }
        EntityBareJid user = origin.bareJid();
        boolean all = !block && jids.isEmpty();
        int max = rosters.limits().maxItems();
        int maxItems = privacy.limits().maxItems();
        CompletionStage<Privacy.Change> written = privacy.write(user, lists -> {
            BlockList before = lists.blockList();
            BlockList after = block ? before.with(jids) : all ? BlockList.EMPTY : before.without(jids);
            if (after.size() > max && after.size() > before.size()) {
                throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT, "a block list holds at most " + max + " JIDs");
            }
            PrivacyLists next = Blocks.apply(lists, block ? jids : List.of(), block ? List.of() : jids, all);
            PrivacyList d = next.defaultList();
            if (d != null && d.items().size() > maxItems && !d.equals(lists.defaultList())
                    && (lists.defaultList() == null || d.items().size() > lists.defaultList().items().size())) {
                throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT, "a privacy list holds at most " + maxItems + " items");
            }
            if (next == lists) {
                return lists;
            }
            return privacy.store().change(user.getLocalpart().toString(), block ? jids : List.of(), block ? List.of() : jids, all);
        });
        CompletionStage<Change> changed = written.thenApply(c -> {
            PrivacyList d = c.after().defaultList();
            if (d != null && !d.equals(c.before().defaultList())) {
                privacy.pushListName(user, d.name()); // a privacy list client sees the block in the default list
            }
            return new Change(c.before().blockList(), c.after().blockList());
        });
        return changed.thenCompose(change -> {
            push(user, block ? itemsElement("block", jids) : itemsElement("unblock", jids));
            return presenceAfter(user, change);
        }).thenApply(v -> iq.resultReply(null)).exceptionally(e -> RosterService.refusal(iq, e));
    }

    private static Element itemsElement(String name, Iterable<Jid> jids) {
        Element.Builder b = Element.builder(name, NAMESPACE);
        for (Jid jid : jids) {
            b.child(Element.builder("item", NAMESPACE).attribute("jid", jid.toString()).build());
        }
        return b.build();
    }

    /** Section 3.3: the change goes to every resource of the user that asked for the list. */
    private void push(EntityBareJid user, Element payload) {
        for (Session s : rosters.sessions(user)) {
            if (interested.contains(s.id())) {
                s.deliver(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "set")
                        .attribute("id", "block-push-" + pushes.incrementAndGet()).attribute("from", user.toString())
                        .attribute("to", s.jid().toString()).child(payload).build()));
            }
        }
    }

    /**
     * A contact blocked now stops seeing the user: unavailable presence from each available
     * resource to whoever had the user's presence (subscribed contacts, directed presence). One
     * unblocked sees it again, and is probed when the user is subscribed to it, since its presence
     * was dropped meanwhile.
     */
    private CompletionStage<Void> presenceAfter(EntityBareJid user, Change change) {
        List<Session> available = rosters.available(user);
        return rosters.roster(user).thenAccept(roster -> {
            Set<Jid> nowBlocked = new LinkedHashSet<>();
            for (RosterItem item : roster.visible()) {
                Jid contact = RosterService.bare(item.contact());
                boolean was = change.before().blocks(contact);
                boolean is = change.after().blocks(contact);
                if (is && !was && item.subscription().hasFrom()) {
                    nowBlocked.add(contact);
                } else if (was && !is) {
                    if (item.subscription().hasFrom()) {
                        for (Session s : available) {
                            Stanza p = rosters.shown(s);
                            if (p != null) {
                                rosters.routeStanza(p.withTo(contact));
                            }
                        }
                    }
                    if (item.subscription().hasTo() && !available.isEmpty()) {
                        rosters.routeStanza(Stanza.create(Element.builder("presence", Namespaces.CLIENT)
                                .attribute("from", user.toString()).attribute("to", contact.toString()).attribute("type", "probe").build()));
                    }
                }
            }
            for (Jid item : change.after().items()) {
                // A blocked resource of a contact who sees the user: the rest of the contact still does.
                if (item.hasLocalpart() && item.hasResource() && !change.before().blocks(item)) {
                    RosterItem contact = RosterItem.visibleOrNull(roster.item(item.asBareJid().toString()));
                    if (contact != null && contact.subscription().hasFrom()) {
                        nowBlocked.add(item);
                    }
                }
            }
            for (Session s : available) {
                Set<Jid> targets = new LinkedHashSet<>(nowBlocked);
                for (Jid directed : s.directedPresence()) {
                    if (change.after().blocks(directed) && !change.before().blocks(directed)) {
                        targets.add(directed);
                    }
                }
                for (Jid target : targets) {
                    deliverDirectly(target, Stanza.create(Element.builder("presence", Namespaces.CLIENT)
                            .attribute("from", s.jid().toString()).attribute("to", target.toString())
                            .attribute("type", "unavailable").build()));
                }
            }
        });
    }

    /**
     * To a blocked contact's sessions without routing: routing would rightly drop it, since the
     * user blocks the contact. Only local contacts have sessions here (there is no federation yet).
     */
    private void deliverDirectly(Jid target, Stanza stanza) {
        if (!isLocalAccount(target)) {
            return;
        }
        for (Session s : rosters.sessions(target.asEntityBareJidIfPossible())) {
            if (!target.hasResource() || s.jid().equals(target)) {
                rosters.ledger().forget(s, stanza.from());
                s.deliver(stanza);
            }
        }
    }

    /**
     * The pushes of a change the privacy list protocol made to the default list's blocks: what it
     * blocked and what it unblocked, to the resources that asked for the block list.
     */
    void pushChanges(EntityBareJid user, BlockList before, BlockList after) {
        List<Jid> added = new ArrayList<>(after.items());
        added.removeAll(before.items());
        List<Jid> removed = new ArrayList<>(before.items());
        removed.removeAll(after.items());
        if (!added.isEmpty()) {
            push(user, itemsElement("block", added));
        }
        if (!removed.isEmpty()) {
            push(user, itemsElement("unblock", removed));
        }
    }

    // ---- sessions ----

    void ended(Session session) {
        interested.remove(session.id());
    }
}
