package org.parley.roster.internal;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.concurrent.PatientWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy lists (XEP-0016): the lists of each user (cached while the user is signed in, storage is
 * the truth), the active list of each session, the protocol, and the decisions the blocking
 * interceptor and the privacy delivery filter enforce. The block list of XEP-0191 is the default
 * list's deny-all jid items ({@link Blocks}), so {@link Blocking} reads and writes through here.
 * Which list applies (section 2.2): a session's active list if it set one, else the user's default
 * list, else none (everything allowed); never both. {@link PrivacyEnforcement} decides stanzas.
 */
final class Privacy {
    private static final Logger LOG = LoggerFactory.getLogger(Privacy.class);
    static final String NAMESPACE = "jabber:iq:privacy";
    static final String HANDOFF_KEY = "org.parley.roster.Privacy";
    static final int HANDOFF_FORMAT = 1;

    /** Limits of the lists a user may keep. */
    record ListLimits(int maxLists, int maxItems) {
        static final ListLimits DEFAULTS = new ListLimits(50, 1000);
    }

    private final BlockStore store;
    private final WorkerPool workers;
    private final PatientWork patient;
    private final RosterService rosters;
    private volatile ListLimits limits = ListLimits.DEFAULTS;
    /** Lists of signed-in users; others are read when needed. */
    private final Map<EntityBareJid, PrivacyLists> cache = new ConcurrentHashMap<>();
    private final Map<EntityBareJid, Loading> loads = new ConcurrentHashMap<>();
    /** The active list of each session that set one, by session id (a session's own state: handed over at an upgrade). */
    final Map<String, String> active = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[64];
    private final AtomicLong pushes = new AtomicLong();
    private final PrivacyEnforcement enforcement;

    Privacy(BlockStore store, WorkerPool workers, PatientWork patient, RosterService rosters) {
        this.store = store;
        this.workers = workers;
        this.patient = patient;
        this.rosters = rosters;
        this.enforcement = new PrivacyEnforcement(this, rosters);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    void limits(ListLimits l) {
        limits = l;
    }

    ListLimits limits() {
        return limits;
    }

    BlockStore store() {
        return store;
    }

    /** The decisions the blocking interceptor and the privacy filter enforce. */
    PrivacyEnforcement enforcement() {
        return enforcement;
    }

    ReentrantLock lockOf(EntityBareJid user) {
        return locks[Math.floorMod(user.hashCode(), locks.length)];
    }

    // ---- the lists, cached while the user is signed in ----

    /**
     * The user's lists: from the cache while the user is signed in, else read on the worker pool,
     * once for all who ask meanwhile. Those who asked while it was read get it in the order they
     * asked, before anyone who asks later: what the server routes on a user's behalf is not awaited
     * by the user's session, so a later stanza finding the lists cached must not overtake an earlier
     * one still waiting for them.
     */
    CompletionStage<PrivacyLists> lists(EntityBareJid user) {
        PrivacyLists cached = cache.get(user);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<PrivacyLists> waiter = new CompletableFuture<>();
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

    /** The lists when they are in memory, else null (for the delivery filter, which must not wait). */
    PrivacyLists cached(EntityBareJid user) {
        return cache.get(user);
    }

    private static final class Loading {
        final ArrayDeque<CompletableFuture<PrivacyLists>> waiters = new ArrayDeque<>();
        boolean started;
        boolean finished;
    }

    /**
     * Patient with a full pool: every stanza to or from the user waits for this one read, and a
     * policy that cannot read fails closed, so a refused read would drop them all (a mass sign-off
     * filled the pool and contacts kept seeing users online).
     */
    private void load(EntityBareJid user, Loading loading) {
        patient.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                PrivacyLists cached = cache.get(user);
                return cached != null ? cached : store.loadLists(user.getLocalpart().toString());
            } finally {
                lock.unlock();
            }
        }).whenComplete((lists, failure) -> {
            while (true) {
                CompletableFuture<PrivacyLists> next;
                synchronized (loading) {
                    next = loading.waiters.poll();
                    if (next == null) {
                        if (failure == null && rosters.hasSessions(user)) {
                            cache.putIfAbsent(user, lists);
                        }
                        loading.finished = true;
                        loads.remove(user, loading);
                        return;
                    }
                }
                if (failure != null) {
                    next.completeExceptionally(failure);
                } else {
                    next.complete(lists);
                }
            }
        });
    }

    /** Under the user's lock. */
    PrivacyLists current(EntityBareJid user) throws SQLException {
        PrivacyLists cached = cache.get(user);
        if (cached != null) {
            return cached;
        }
        PrivacyLists loaded = store.loadLists(user.getLocalpart().toString());
        if (rosters.hasSessions(user)) {
            cache.put(user, loaded);
        }
        return loaded;
    }

    /** Under the user's lock, after a write. */
    void stored(EntityBareJid user, PrivacyLists after) {
        if (cache.containsKey(user) || rosters.hasSessions(user)) {
            cache.put(user, after);
        }
    }

    /** The list that applies to a session (null: none), or to the user as a whole for a null session. */
    PrivacyList effective(PrivacyLists lists, Session session) {
        return effective(lists, session == null ? null : active.get(session.id()));
    }

    static PrivacyList effective(PrivacyLists lists, String activeName) {
        PrivacyList list = lists.list(activeName);
        return list != null ? list : lists.defaultList();
    }

    // ---- the protocol (XEP-0016 section 2) ----

    CompletionStage<Stanza> get(Stanza iq, Session origin) {
        Element query = iq.payload();
        List<Element> children = query.elements();
        EntityBareJid user = origin.bareJid();
        if (children.isEmpty()) {
            return lists(user).thenApply(lists -> {
                Element.Builder b = Element.builder("query", NAMESPACE);
                String activeName = active.get(origin.id());
                if (activeName != null && lists.list(activeName) != null) {
                    b.child(Element.builder("active", NAMESPACE).attribute("name", activeName).build());
                }
                if (lists.defaultName() != null) {
                    b.child(Element.builder("default", NAMESPACE).attribute("name", lists.defaultName()).build());
                }
                for (String name : lists.lists().keySet()) {
                    b.child(Element.builder("list", NAMESPACE).attribute("name", name).build());
                }
                return iq.resultReply(b.build());
            }).exceptionally(e -> RosterService.refusal(iq, e));
        }
        Stanza bare = RosterService.withoutPayload(iq);
        if (children.size() > 1) {
            return done(bare.errorReply(StanzaErrorCondition.BAD_REQUEST, "one list at a time"));
        }
        Element list = children.get(0);
        if (!list.is("list", NAMESPACE) || list.attribute("name") == null) {
            return done(bare.errorReply(StanzaErrorCondition.BAD_REQUEST, "a get names one <list/>"));
        }
        String name = list.attribute("name");
        return lists(user).thenApply(lists -> {
            PrivacyList found = lists.list(name);
            return found == null ? bare.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no list '" + name + "'")
                    : iq.resultReply(Element.builder("query", NAMESPACE).child(found.toElement()).build());
        }).exceptionally(e -> RosterService.refusal(bare, e));
    }

    CompletionStage<Stanza> set(Stanza request, Session origin) {
        Stanza iq = RosterService.withoutPayload(request);
        List<Element> children = request.payload().elements();
        if (children.size() != 1) {
            return done(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a set holds one <active/>, <default/> or <list/>"));
        }
        Element child = children.get(0);
        if (!NAMESPACE.equals(child.namespace())) {
            return done(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a set holds one <active/>, <default/> or <list/>"));
        }
        CompletionStage<Void> done = switch (child.name()) {
            case "active" -> setActive(origin, child.attribute("name"));
            case "default" -> setDefault(origin, child.attribute("name"));
            case "list" -> child.attribute("name") == null
                    ? CompletableFuture.failedFuture(new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "a list has a name"))
                    : child.elements().isEmpty() ? removeList(origin, child.attribute("name")) : putList(origin, child);
            default -> CompletableFuture.failedFuture(new RosterRefusal(StanzaErrorCondition.BAD_REQUEST,
                    "a set holds one <active/>, <default/> or <list/>"));
        };
        return done.thenApply(v -> iq.resultReply(null)).exceptionally(e -> RosterService.refusal(iq, e));
    }

    /** Section 2.4: the session's active list, applied before the result is sent; no name declines (the default list applies again). */
    private CompletionStage<Void> setActive(Session origin, String name) {
        EntityBareJid user = origin.bareJid();
        return lists(user).thenCompose(lists -> {
            if (name != null && lists.list(name) == null) {
                throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no list '" + name + "'");
            }
            PrivacyList before = effective(lists, origin);
            if (name == null) {
                active.remove(origin.id());
            } else {
                active.put(origin.id(), name);
            }
            return presenceChanged(user, origin, before, effective(lists, origin));
        });
    }

    /** Section 2.5: the user's default list; conflict while the one it replaces applies to another session. */
    private CompletionStage<Void> setDefault(Session origin, String name) {
        EntityBareJid user = origin.bareJid();
        return write(user, lists -> {
            if (name != null && lists.list(name) == null) {
                throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no list '" + name + "'");
            }
            if (Objects.equals(name, lists.defaultName())) {
                return lists;
            }
            if (lists.defaultName() != null && defaultUsedByOther(user, origin)) {
                throw new RosterRefusal(StanzaErrorCondition.CONFLICT, "the default list applies to another of your resources");
            }
            store.setDefault(user.getLocalpart().toString(), name);
            return lists.withDefault(name);
        }).thenCompose(change -> afterChange(user, change, null));
    }

    /** Sections 2.6 and 2.7: creates or replaces a list (the whole list, not a delta), and pushes its name. */
    private CompletionStage<Void> putList(Session origin, Element element) {
        EntityBareJid user = origin.bareJid();
        String name = element.attribute("name");
        PrivacyList list;
        try {
            list = parse(name, element, limits);
        } catch (RosterRefusal r) {
            return CompletableFuture.failedFuture(r);
        }
        Set<String> groups = new HashSet<>();
        for (PrivacyItem item : list.items()) {
            if (item.type() == PrivacyItem.Type.GROUP) {
                groups.add(item.value());
            }
        }
        CompletionStage<Roster> roster = groups.isEmpty() ? CompletableFuture.completedFuture(null) : rosters.roster(user);
        return roster.thenCompose(r -> {
            if (r != null) {
                Set<String> known = new HashSet<>();
                for (RosterItem item : r.visible()) {
                    known.addAll(item.groups());
                }
                for (String group : groups) {
                    if (!known.contains(group)) {
                        // Section 2.1: a group the roster does not have.
                        throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no roster group '" + group + "'");
                    }
                }
            }
            int maxLists = limits.maxLists();
            return write(user, lists -> {
                if (lists.list(name) == null && lists.lists().size() >= maxLists) {
                    throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT, "an account keeps at most " + maxLists + " privacy lists");
                }
                store.put(user.getLocalpart().toString(), list);
                return lists.with(list);
            });
        }).thenCompose(change -> afterChange(user, change, name));
    }

    /** Section 2.8: removes a list; conflict while it applies to another session. */
    private CompletionStage<Void> removeList(Session origin, String name) {
        EntityBareJid user = origin.bareJid();
        return write(user, lists -> {
            if (lists.list(name) == null) {
                throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no list '" + name + "'");
            }
            for (Session s : rosters.sessions(user)) {
                if (!s.id().equals(origin.id()) && name.equals(active.get(s.id()))) {
                    throw new RosterRefusal(StanzaErrorCondition.CONFLICT, "the list is active for another of your resources");
                }
            }
            if (name.equals(lists.defaultName()) && defaultUsedByOther(user, origin)) {
                throw new RosterRefusal(StanzaErrorCondition.CONFLICT, "the list is the default list of another of your resources");
            }
            store.remove(user.getLocalpart().toString(), name);
            return lists.without(name);
        }).thenCompose(change -> {
            PrivacyList before = effective(change.before(), origin);
            active.remove(origin.id(), name);
            CompletionStage<Void> own = presenceChanged(user, origin, before, effective(change.after(), origin));
            return own.thenCompose(v -> afterChange(user, change, name, origin));
        });
    }

    /** True when another session of the user has no active list, so the default list applies to it. */
    private boolean defaultUsedByOther(EntityBareJid user, Session origin) {
        for (Session s : rosters.sessions(user)) {
            if (!s.id().equals(origin.id()) && active.get(s.id()) == null) {
                return true;
            }
        }
        return false;
    }

    /** A list element as a client sets it, checked before anything is stored. */
    static PrivacyList parse(String name, Element element, ListLimits limits) {
        if (name.isEmpty()) {
            throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "a list has a name");
        }
        if (name.length() > Limits.COLUMN) {
            throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE, "a list name has at most " + Limits.COLUMN + " characters");
        }
        List<PrivacyItem> items = new ArrayList<>();
        Set<Long> orders = new HashSet<>();
        for (Element child : element.elements()) {
            if (!child.is("item", NAMESPACE)) {
                throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "a list holds <item/> elements");
            }
            PrivacyItem item = PrivacyItem.from(child);
            if (!orders.add(item.order())) {
                // Section 2.1: orders are unique in a list.
                throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "two items with order " + item.order());
            }
            items.add(item);
        }
        if (items.size() > limits.maxItems()) {
            throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE, "a privacy list holds at most " + limits.maxItems() + " items");
        }
        return new PrivacyList(name, items);
    }

    /** A change of the lists: before and after. */
    record Change(PrivacyLists before, PrivacyLists after) {
    }

    interface Edit {
        PrivacyLists apply(PrivacyLists lists) throws SQLException;
    }

    /** Applies an edit under the user's lock on the worker pool, storing what it stores, and caches the result. */
    CompletionStage<Change> write(EntityBareJid user, Edit edit) {
        return workers.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                PrivacyLists before = current(user);
                PrivacyLists after = edit.apply(before);
                stored(user, after);
                return new Change(before, after);
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * After a change: the push of the list's name to every resource (section 2.2 rule 10), the block
     * list's pushes when the default list's blocks changed (XEP-0191 section 3.3), and presence for
     * contacts a session's presence-out rules now hide from or show to.
     */
    CompletionStage<Void> afterChange(EntityBareJid user, Change change, String pushedName) {
        return afterChange(user, change, pushedName, null);
    }

    /** As above, leaving out a session whose presence the caller already updated. */
    private CompletionStage<Void> afterChange(EntityBareJid user, Change change, String pushedName, Session done) {
        if (pushedName != null) {
            pushListName(user, pushedName);
        }
        BlockList blockedBefore = change.before().blockList();
        BlockList blockedAfter = change.after().blockList();
        if (!blockedBefore.equals(blockedAfter)) {
            rosters.blocking().pushChanges(user, blockedBefore, blockedAfter);
        }
        List<CompletionStage<Void>> presence = new ArrayList<>();
        for (Session s : rosters.sessions(user)) {
            if (done == null || !s.id().equals(done.id())) {
                presence.add(presenceChanged(user, s, effective(change.before(), s), effective(change.after(), s)));
            }
        }
        return CompletableFuture.allOf(presence.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
    }

    /** Section 2.2 rule 10: only the name; a resource the list applies to fetches it again. */
    void pushListName(EntityBareJid user, String name) {
        for (Session s : rosters.sessions(user)) {
            s.deliver(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "set")
                    .attribute("id", "privacy-push-" + pushes.incrementAndGet()).attribute("from", user.toString())
                    .attribute("to", s.jid().toString())
                    .child(Element.builder("query", NAMESPACE).child(Element.builder("list", NAMESPACE).attribute("name", name).build()).build())
                    .build()));
        }
    }

    /** What a change of the list that applies to a session does to presence, both ways. */
    CompletionStage<Void> presenceChanged(EntityBareJid user, Session session, PrivacyList before, PrivacyList after) {
        if (Objects.equals(before, after)) {
            return CompletableFuture.completedFuture(null);
        }
        return presenceOutChanged(user, session, before, after).thenCompose(v -> presenceInChanged(user, session, before, after));
    }

    /**
     * Section 2.10's note: a contact whose presence the session's list now denies is shown to the
     * session as unavailable (one it allows again is shown as it is); for local contacts, whose
     * presence the server knows.
     */
    private CompletionStage<Void> presenceInChanged(EntityBareJid user, Session session, PrivacyList before, PrivacyList after) {
        if (!session.isAvailable()) {
            return CompletableFuture.completedFuture(null);
        }
        return rosters.roster(user).thenAccept(roster -> {
            for (RosterItem item : roster.visible()) {
                Jid contact = RosterService.bare(item.contact());
                if (!item.subscription().hasTo() || !rosters.blocking().isLocalAccount(contact)) {
                    continue;
                }
                for (Session theirs : rosters.available(contact.asEntityBareJidIfPossible())) {
                    boolean was = before != null && before.denies(theirs.jid(), PrivacyItem.PRESENCE_IN, item);
                    boolean is = after != null && after.denies(theirs.jid(), PrivacyItem.PRESENCE_IN, item);
                    if (is != was) {
                        rosters.ledger().forget(session, theirs.jid());
                    }
                    if (is && !was) {
                        session.deliver(Stanza.create(Element.builder("presence", Namespaces.CLIENT)
                                .attribute("from", theirs.jid().toString()).attribute("to", session.jid().toString())
                                .attribute("type", "unavailable").build()));
                    } else if (was && !is && rosters.shown(theirs) != null) {
                        session.deliver(rosters.shown(theirs).withTo(session.jid()));
                    }
                }
            }
        });
    }

    /**
     * Section 2.11: a contact the session's list now denies presence-out gets unavailable presence
     * from it (only one that saw it: subscribed, or sent directed presence); one it now allows again
     * gets the session's presence.
     */
    private CompletionStage<Void> presenceOutChanged(EntityBareJid user, Session session, PrivacyList before, PrivacyList after) {
        if (Objects.equals(before, after) || !session.isAvailable()) {
            return CompletableFuture.completedFuture(null);
        }
        return rosters.roster(user).thenAccept(roster -> {
            Set<Jid> targets = new LinkedHashSet<>();
            for (RosterItem item : roster.visible()) {
                if (item.subscription().hasFrom()) {
                    targets.add(RosterService.bare(item.contact()));
                }
            }
            targets.addAll(session.directedPresence());
            for (Jid target : targets) {
                RosterItem item = RosterItem.visibleOrNull(roster.item(target.asBareJid().toString()));
                boolean was = before != null && before.denies(target, PrivacyItem.PRESENCE_OUT, item);
                boolean is = after != null && after.denies(target, PrivacyItem.PRESENCE_OUT, item);
                if (is && !was) {
                    deliverDirectly(target, Stanza.create(Element.builder("presence", Namespaces.CLIENT)
                            .attribute("from", session.jid().toString()).attribute("to", target.toString())
                            .attribute("type", "unavailable").build()));
                } else if (was && !is) {
                    Stanza p = rosters.shown(session);
                    if (p != null) {
                        rosters.routeStanza(p.withTo(target));
                    }
                }
            }
        });
    }

    /** To a local contact's sessions without routing, which would rightly drop it now. */
    private void deliverDirectly(Jid target, Stanza stanza) {
        if (!rosters.blocking().isLocalAccount(target)) {
            return;
        }
        for (Session s : rosters.sessions(target.asEntityBareJidIfPossible())) {
            if (!target.hasResource() || s.jid().equals(target)) {
                rosters.ledger().forget(s, stanza.from());
                s.deliver(stanza);
            }
        }
    }

    // ---- sessions and upgrades ----

    void ended(Session session) {
        active.remove(session.id());
        if (!rosters.hasSessions(session.bareJid())) {
            cache.remove(session.bareJid());
        }
    }

    void forget(EntityBareJid user) throws SQLException {
        store.forget(user.getLocalpart().toString());
        cache.remove(user);
    }

    /** The active lists, by session id, and whose they are: JDK values only. */
    void deposit(StateHandoff handoff) {
        Map<String, String> names = new HashMap<>(active);
        Map<String, String> users = new HashMap<>();
        if (!names.isEmpty()) {
            for (Session s : rosters.allSessions()) {
                if (names.containsKey(s.id())) {
                    users.put(s.id(), s.bareJid().toString());
                }
            }
        }
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "active", names, "users", users));
    }

    /**
     * Takes the active lists the predecessor left, and reads their users' lists (and rosters, where
     * a list needs them) now: the delivery filter decides from memory, and a stanza the predecessor
     * let through for such a session must find them there.
     */
    void takeOver(StateHandoff handoff) {
        Map<String, Object> snapshot = handoff.take(HANDOFF_KEY).orElse(null);
        if (snapshot == null) {
            return;
        }
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The privacy state handed over has format {}, not {}; starting without it", snapshot.get("format"), HANDOFF_FORMAT);
            return;
        }
        if (snapshot.get("active") instanceof Map<?, ?> names) {
            names.forEach((id, name) -> {
                if (id instanceof String i && name instanceof String n) {
                    active.put(i, n);
                }
            });
        }
        Set<EntityBareJid> users = new HashSet<>();
        if (snapshot.get("users") instanceof Map<?, ?> map) {
            for (Object u : map.values()) {
                EntityBareJid user = u == null ? null : JidCreate.entityBareFromOrNull(u.toString());
                if (user != null) {
                    users.add(user);
                }
            }
        }
        for (EntityBareJid user : users) {
            try {
                PrivacyLists lists = store.loadLists(user.getLocalpart().toString());
                cache.put(user, lists);
                for (PrivacyList list : lists.lists().values()) {
                    if (list.needsRoster()) {
                        rosters.preload(user);
                        break;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("The privacy lists of {} were not read at the takeover; they are read when next needed", user, e);
            }
        }
        LOG.info("Took over {} active privacy lists of {} users", active.size(), users.size());
    }

    /** Once the session registry is known: drops the state of sessions that ended during the upgrade. */
    void prune(Set<String> bound) {
        active.keySet().retainAll(bound);
        cache.keySet().removeIf(user -> !rosters.hasSessions(user));
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
