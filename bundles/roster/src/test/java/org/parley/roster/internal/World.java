package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor.Direction;
import org.parley.api.routing.StanzaInterceptor.Interception;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The roster's components on a real H2 database, with the routing they rely on reduced to its
 * rules for presence and iq (RFC 6121 section 8): outbound interceptors for what a session sends,
 * inbound ones for what a local account is sent, then delivery to a full JID or to the available
 * resources of a bare JID. Blocking work runs on the caller's thread, so each step has finished,
 * with everything it caused, when the call returns.
 */
final class World implements StanzaRouter, SessionRegistry, AutoCloseable {
    static final DomainBareJid DOMAIN = JidCreate.domainBareFromOrThrowUnchecked("example.org");

    /** Runs the work at once: a test step returns after everything it caused. */
    static final WorkerPool SYNC = new WorkerPool() {
        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    /**
     * The pool a world's roster uses: runs work at once like {@link #SYNC}, or refuses it as a full
     * shared pool does while {@link #full} is set, counting both.
     */
    static final class Pool implements WorkerPool {
        volatile boolean full;
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            if (full) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new org.parley.api.server.WorkRejectedException("the worker pool is full"));
            }
            ran.incrementAndGet();
            return SYNC.submit(work);
        }
    }

    /** Keeps snapshots in a map, as the server bundle does between two versions of a bundle. */
    static final class MapHandoff implements StateHandoff {
        final Map<String, Map<String, Object>> snapshots = new HashMap<>();

        @Override
        public void deposit(String key, Map<String, Object> snapshot) {
            snapshots.put(key, snapshot);
        }

        @Override
        public Optional<Map<String, Object>> take(String key) {
            return Optional.ofNullable(snapshots.remove(key));
        }
    }

    /** Where a new world keeps its rosters: a private H2 database, unless a test class chose PostgreSQL. */
    static volatile Supplier<TestSqlDatabase> databases = TestSqlDatabase::h2InMemory;

    final TestSqlDatabase database = databases.get();
    final RosterStore store = new RosterStore(database);
    final MapHandoff handoff = new MapHandoff();
    final Pool pool = new Pool();
    final Set<String> accounts = ConcurrentHashMap.newKeySet();
    final Map<EntityFullJid, TestSession> sessions = new LinkedHashMap<>();
    final List<Stanza> routed = new CopyOnWriteArrayList<>();
    /** What failed where nobody waited for it; a test that leaves any fails. */
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    RosterService service;
    SharedRosterGroups shared;
    PresenceInterceptor presence;
    RosterIqHandler iqs;
    final RosterPushGuard guard = new RosterPushGuard();
    /** Privacy lists and blocking enforced as routing runs them (the interceptor, then the filter per session): off unless a test turns it on. */
    boolean enforce;
    BlockingInterceptor policy;
    PrivacyFilter filter;
    PrivacyIqHandler privacyIqs;
    BlockingIqHandler blockingIqs;

    World(Limits limits, String... users) {
        store.migrate();
        new BlockStore(database).migrate();
        new LastSeenStore(database).migrate();
        accounts.addAll(List.of(users));
        start(limits);
    }

    /** Starts (again) the roster's components, as a new version of the bundle does. */
    void start(Limits limits) {
        shared = new SharedRosterGroups(handoff, 300);
        service = new RosterService(store, pool, handoff, () -> DOMAIN, limits, shared);
        service.setRouter(this);
        service.setRegistry(this);
        service.addDirectory(username -> CompletableFuture.completedFuture(accounts.contains(username)));
        presence = new PresenceInterceptor(service);
        iqs = new RosterIqHandler(service);
        policy = new BlockingInterceptor(service);
        filter = new PrivacyFilter(service);
        privacyIqs = new PrivacyIqHandler(service);
        blockingIqs = new BlockingIqHandler(service);
    }

    /** Stops the components, handing their state over, and starts their successors. */
    void upgrade() {
        service.deactivate();
        shared.deactivate();
        start(service.limits());
        service.takeOver();
    }

    static EntityBareJid user(String local) {
        return JidCreate.entityBareFromOrThrowUnchecked(local + "@" + DOMAIN);
    }

    // ---- sessions ----

    TestSession bind(String local, String resource) {
        TestSession s = new TestSession(local + "@" + DOMAIN + "/" + resource);
        sessions.put(s.jid(), s);
        return s;
    }

    /** The session sends presence with no 'to': the core records it, then routes it. */
    void broadcast(TestSession s, String show) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT);
        if (show != null) {
            b.textChild("show", show);
        }
        Stanza p = Stanza.create(b.build()).withFrom(s.jid());
        boolean initial = s.presence() == null;
        s.presence(p);
        if (initial) {
            service.available(s, p); // as the core tells its listeners, before it routes the presence
        }
        routeFrom(s, p);
    }

    void unavailable(TestSession s) {
        Stanza p = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable").build()).withFrom(s.jid());
        boolean was = s.presence() != null;
        s.presence(null);
        if (was) {
            service.unavailable(s, p);
        }
        routeFrom(s, p);
    }

    void unavailableWithStatus(TestSession s, String status) {
        Stanza p = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable").textChild("status", status)
                .build()).withFrom(s.jid());
        boolean was = s.presence() != null;
        s.presence(null);
        if (was) {
            service.unavailable(s, p);
        }
        routeFrom(s, p);
    }

    /** The session ends, as the core ends one: unbound, unavailable presence on its behalf, then told. */
    void end(TestSession s) {
        sessions.remove(s.jid());
        if (s.presence() != null) {
            unavailable(s);
        }
        service.ended(s);
    }

    void presence(TestSession s, String type, String to) {
        routeFrom(s, Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", type).attribute("to", to).build())
                .withFrom(s.jid()));
    }

    Stanza rosterGet(TestSession s, String ver) {
        return iq(s, "get", Element.builder("query", RosterItem.NAMESPACE).attribute("ver", ver).build(), null);
    }

    Stanza rosterSet(TestSession s, Element item) {
        return iq(s, "set", Element.builder("query", RosterItem.NAMESPACE).child(item).build(), null);
    }

    static Element item(String jid, String name, String... groups) {
        Element.Builder b = Element.builder("item", RosterItem.NAMESPACE).attribute("jid", jid).attribute("name", name);
        for (String g : groups) {
            b.child(Element.builder("group", RosterItem.NAMESPACE).text(g).build());
        }
        return b.build();
    }

    static Element removal(String jid) {
        return Element.builder("item", RosterItem.NAMESPACE).attribute("jid", jid).attribute("subscription", "remove").build();
    }

    /** An iq the session sends; the answer it gets. */
    Stanza iq(TestSession s, String type, Element payload, String to) {
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", "c" + ids.incrementAndGet())
                .attribute("to", to).child(payload).build()).withFrom(s.jid());
        int before = s.received.size();
        routeFrom(s, iq);
        List<Stanza> received = List.copyOf(s.received); // others may deliver to it meanwhile
        for (Stanza r : received.subList(before, received.size())) {
            if (r.isIq() && iq.id().equals(r.id())) {
                return r;
            }
        }
        throw new AssertionError("no answer to " + iq);
    }

    // ---- routing, reduced ----

    @Override
    public CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        Interception out = new Interception(Direction.OUTBOUND, origin.bareJid(), origin);
        if (enforce) {
            InterceptResult p = policy.intercept(stanza, out).toCompletableFuture().join();
            if (p.isRefused()) {
                origin.deliver(stanza.errorReply(p.refusal(), p.refusalText()));
                return CompletableFuture.completedFuture(null);
            }
            if (p.isConsumed()) {
                return CompletableFuture.completedFuture(null);
            }
        }
        InterceptResult r = stanza.kind() == Stanza.Kind.PRESENCE ? presence.intercept(stanza, out).toCompletableFuture().join()
                : stanza.isIq() ? guard.intercept(stanza, out).toCompletableFuture().join() : InterceptResult.proceed(stanza);
        if (r.isRefused()) {
            origin.deliver(stanza.errorReply(r.refusal(), r.refusalText()));
            return CompletableFuture.completedFuture(null);
        }
        if (r.isConsumed()) {
            return CompletableFuture.completedFuture(null);
        }
        Stanza s = r.stanza();
        if (s.isIqRequest() && (s.to() == null || s.to().equals(origin.bareJid()))) {
            String ns = s.payload().namespace();
            origin.deliver((Privacy.NAMESPACE.equals(ns) ? privacyIqs.handle(s, origin) : Blocking.NAMESPACE.equals(ns)
                    ? blockingIqs.handle(s, origin) : iqs.handle(s, origin)).toCompletableFuture().join());
            return CompletableFuture.completedFuture(null);
        }
        deliver(s, origin);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void route(Stanza stanza) {
        routed.add(stanza);
        deliver(stanza, null);
    }

    /** As routing's: the policies alone (privacy lists and blocks when enforcing; none otherwise), for the stanza arriving now. */
    @Override
    public CompletionStage<Boolean> admits(Stanza stanza, EntityBareJid account) {
        if (!enforce) {
            return CompletableFuture.completedFuture(true);
        }
        return policy.intercept(stanza, new Interception(Direction.INBOUND, account, null)).thenApply(r -> !r.isConsumed());
    }

    @Override
    public CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        return CompletableFuture.completedFuture(null);
    }

    private void deliver(Stanza stanza, Session origin) {
        Jid to = stanza.to();
        EntityBareJid account = to == null ? null : to.asEntityBareJidIfPossible();
        if (account == null || !to.asDomainBareJid().equals(DOMAIN)) {
            return; // another domain: not in this world
        }
        if (enforce && stanza.from() != null) {
            InterceptResult p = policy.intercept(stanza, new Interception(Direction.INBOUND, account, origin)).toCompletableFuture().join();
            if (p.isRefused()) {
                Stanza error = stanza.errorReply(p.refusal(), p.refusalText());
                if (!stanza.isError() && error.to() != null) {
                    routed.add(error);
                    TestSession sender = sessions.get(error.to().asEntityFullJidIfPossible());
                    if (sender != null) {
                        sender.deliver(error);
                    }
                }
                return;
            }
            if (p.isConsumed()) {
                return;
            }
        }
        if (stanza.kind() != Stanza.Kind.PRESENCE) {
            toSessions(stanza, account);
            return;
        }
        // Not waited for: the interceptor may queue the stanza behind an operation of the same user
        // further up this very call stack; it runs when that one completes, before the step returns.
        presence.intercept(stanza, new Interception(Direction.INBOUND, account, origin)).whenComplete((r, e) -> {
            if (e != null) {
                failures.add(e);
            } else if (!r.isConsumed()) {
                toSessions(r.stanza(), account);
            }
        });
    }

    private void toSessions(Stanza s, EntityBareJid account) {
        Jid to = s.to();
        if (to.hasResource()) {
            TestSession target = sessions.get(to.asEntityFullJidIfPossible());
            if (target != null) {
                give(target, s);
            }
            return;
        }
        if (enforce && s.kind() == Stanza.Kind.MESSAGE) {
            int best = Integer.MIN_VALUE;
            for (Session target : sessions(account)) {
                if (target.isAvailable() && target.priority() >= 0) {
                    best = Math.max(best, target.priority());
                }
            }
            for (Session target : sessions(account)) {
                if (target.isAvailable() && target.priority() == best) {
                    give(target, s);
                }
            }
            return;
        }
        if (s.kind() == Stanza.Kind.PRESENCE && (s.type() == null || "unavailable".equals(s.type()))) {
            for (Session target : sessions(account)) {
                if (target.isAvailable()) {
                    give(target, s);
                }
            }
        }
    }

    /**
     * Delivery to one session, through the roster's delivery filter as routing runs it: its privacy
     * lists only when enforcing, its presence ledger always.
     */
    void give(Session target, Stanza s) {
        Stanza filtered = enforce ? filter.filter(s, target) : service.ledger().admit(s, target);
        if (filtered != null) {
            target.deliver(filtered);
        }
    }

    /** A message the session sends. */
    void message(TestSession from, String to, String body) {
        routeFrom(from, Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("type", "chat").attribute("to", to)
                .attribute("id", "m" + ids.incrementAndGet()).textChild("body", body).build()).withFrom(from.jid()));
    }

    // ---- SessionRegistry ----

    @Override
    public Session session(EntityFullJid jid) {
        return sessions.get(jid);
    }

    @Override
    public List<Session> sessions(EntityBareJid user) {
        List<Session> result = new ArrayList<>();
        for (TestSession s : sessions.values()) {
            if (s.bareJid().equals(user)) {
                result.add(s);
            }
        }
        return result;
    }

    @Override
    public Collection<Session> all() {
        return List.copyOf(sessions.values());
    }

    @Override
    public int count() {
        return sessions.size();
    }

    /** What the store holds for one user, read afresh. */
    Roster stored(String local) {
        return store.load(local);
    }

    @Override
    public void close() {
        database.close();
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " routed stanza(s) failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
