package org.parley.roster.internal;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.routing.InterceptResult;
import org.parley.api.server.WorkerPool;
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

    private final BlockStore store;
    private final WorkerPool workers;
    private final RosterService rosters;
    /** Block lists of signed-in users; others are read when needed. */
    private final Map<EntityBareJid, BlockList> cache = new ConcurrentHashMap<>();
    private final Map<EntityBareJid, Loading> loads = new ConcurrentHashMap<>();
    /** Sessions (by id) that asked for their block list: they get the pushes (XEP-0191 section 3.3). */
    final Set<String> interested = ConcurrentHashMap.newKeySet();
    private final ReentrantLock[] locks = new ReentrantLock[64];
    private final AtomicLong pushes = new AtomicLong();

    Blocking(BlockStore store, WorkerPool workers, RosterService rosters) {
        this.store = store;
        this.workers = workers;
        this.rosters = rosters;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    void migrate() {
        store.migrate();
    }

    private ReentrantLock lockOf(EntityBareJid user) {
        return locks[Math.floorMod(user.hashCode(), locks.length)];
    }

    /**
     * The user's block list: from the cache while the user is signed in, else read on the worker
     * pool, once for all who ask meanwhile.
     *
     * <p>Those who asked while it was read get it in the order they asked, before anyone who asks
     * later: what the server routes on a user's behalf (a presence broadcast) is not awaited by the
     * user's session, so a later stanza finding the list cached must not overtake an earlier one
     * still waiting for it.
     */
    CompletionStage<BlockList> list(EntityBareJid user) {
        BlockList cached = cache.get(user);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<BlockList> waiter = new CompletableFuture<>();
        while (true) {
            Loading loading = loads.computeIfAbsent(user, u -> new Loading());
            synchronized (loading) {
                if (!loading.finished) {
                    loading.waiters.add(waiter);
                    if (!loading.started) {
                        loading.started = true;
                        load(user, loading);
                    }
                    return waiter;
                }
            }
            cached = cache.get(user);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            loads.remove(user, loading); // finished for a user without sessions: read again
        }
    }

    /** One read of a user's list, and its waiters answered in order. */
    private static final class Loading {
        final ArrayDeque<CompletableFuture<BlockList>> waiters = new ArrayDeque<>();
        boolean started;
        boolean finished;
    }

    private void load(EntityBareJid user, Loading loading) {
        workers.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                BlockList cached = cache.get(user);
                return cached != null ? cached : store.load(user.getLocalpart().toString());
            } finally {
                lock.unlock();
            }
        }).whenComplete((list, failure) -> {
            while (true) {
                CompletableFuture<BlockList> next;
                synchronized (loading) {
                    next = loading.waiters.poll();
                    if (next == null) {
                        // Cached only now: one who asks from here on finds it, after every waiter had it.
                        if (failure == null && rosters.hasSessions(user)) {
                            cache.putIfAbsent(user, list);
                        }
                        loading.finished = true;
                        loads.remove(user, loading);
                        return;
                    }
                }
                if (failure != null) {
                    next.completeExceptionally(failure);
                } else {
                    next.complete(list);
                }
            }
        });
    }

    /** Under the user's lock. */
    private BlockList current(EntityBareJid user) throws SQLException {
        BlockList cached = cache.get(user);
        if (cached != null) {
            return cached;
        }
        BlockList loaded = store.load(user.getLocalpart().toString());
        if (rosters.hasSessions(user)) {
            cache.put(user, loaded);
        }
        return loaded;
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
        CompletionStage<Change> changed = workers.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                BlockList before = current(user);
                BlockList after = block ? before.with(jids) : all ? BlockList.EMPTY : before.without(jids);
                if (after.size() > max && after.size() > before.size()) {
                    throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT, "a block list holds at most " + max + " JIDs");
                }
                List<Jid> added = new ArrayList<>(after.items());
                added.removeAll(before.items());
                List<Jid> removed = new ArrayList<>(before.items());
                removed.removeAll(after.items());
                if (!added.isEmpty() || !removed.isEmpty()) {
                    store.change(user.getLocalpart().toString(), added, removed, false);
                }
                if (cache.containsKey(user) || rosters.hasSessions(user)) {
                    cache.put(user, after);
                }
                return new Change(before, after);
            } finally {
                lock.unlock();
            }
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
                            Stanza p = s.presence();
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
                s.deliver(stanza);
            }
        }
    }

    // ---- enforcement, for the interceptor ----

    /**
     * Section 3.5: what a user sends to a JID it blocks is not routed, and the user learns why
     * ({@code not-acceptable} with {@code <blocked/>}); an error or an iq answer is just dropped.
     */
    InterceptResult refuseOutbound(Stanza stanza, Session origin) {
        if (origin != null && !stanza.isError() && !(stanza.isIq() && !stanza.isIqRequest())) {
            Stanza error = stanza.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "you block this address");
            Element e = error.element();
            Element.Builder b = Element.builder(e.name(), e.namespace());
            for (int i = 0; i < e.attributeCount(); i++) {
                b.attribute(e.attributeName(i), e.attributeValue(i));
            }
            for (Element child : e.elements()) {
                b.child(child.is("error", Namespaces.CLIENT)
                        ? child.toBuilder().child(Element.empty("blocked", ERRORS)).build() : child);
            }
            origin.deliver(Stanza.create(b.build()));
        }
        return InterceptResult.consumed();
    }

    /**
     * Section 3.4 (as XEP-0016 has it): a blocked entity's presence is dropped without a word, its
     * messages and requests answered {@code service-unavailable} as if the user were not there,
     * answers to requests dropped.
     */
    static InterceptResult refuseInbound(Stanza stanza) {
        return switch (stanza.kind()) {
            case PRESENCE -> InterceptResult.consumed();
            case MESSAGE -> stanza.isError() ? InterceptResult.consumed() : InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
            case IQ -> stanza.isIqRequest() ? InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE, null) : InterceptResult.consumed();
        };
    }

    /** The account was deleted: its list goes (the caller holds the roster's lock for it). */
    void forget(EntityBareJid user) throws SQLException {
        store.change(user.getLocalpart().toString(), List.of(), List.of(), true);
        cache.remove(user);
    }

    // ---- sessions ----

    void ended(Session session) {
        interested.remove(session.id());
        if (!rosters.hasSessions(session.bareJid())) {
            cache.remove(session.bareJid());
        }
    }
}
