package org.parley.roster.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.auth.AccountListener;
import org.parley.api.auth.UserDirectory;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.storage.SqlDatabase;
import org.parley.concurrent.PatientWork;
import org.parley.roster.internal.SubscriptionRules.Op;
import org.parley.roster.internal.SubscriptionRules.Transition;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rosters of the served domain: stored items, the subscription state machine applied to them,
 * roster pushes, and the presence that follows from subscriptions (broadcast, probes, the
 * presence that approvals and cancellations send). The roster iq handler and the presence
 * interceptor are thin doors into it.
 *
 * <p>The operations on one user's roster (a request of one of the user's resources, a subscription
 * stanza for the user) run one at a time, in the order they arrive, each with what it sends: so
 * the stanzas one side sends reach the other side in the order that side's state changed, even
 * when two resources of a user act at once or a request crosses the contact's answer. There is
 * never more than one item per contact, and each stanza moves it by one step of RFC 6121
 * Appendix A. Between two users of this domain a subscription stanza (and a removal's
 * cancellations) changes both sides in one step under both users' locks ({@link #pairStep}), so
 * crossing operations cannot leave the sides disagreeing; with another domain's contact the sides
 * follow each other by stanzas, as RFC 6121 has it between two servers.
 *
 * <p>In memory, and handed to the successor when the bundle is upgraded: which resources asked for
 * the roster (they get pushes), which ones sent initial presence (the next available presence is
 * an update, not a new sign-in that probes every contact), and when each user last went
 * offline. Rosters of signed-in users are cached; storage is the truth.
 */
@Component(service = {RosterService.class, SessionListener.class, AccountListener.class}, configurationPid = RosterConfig.PID, immediate = true)
public final class RosterService implements SessionListener, AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(RosterService.class);
    static final String HANDOFF_KEY = "org.parley.roster.RosterService";
    static final int HANDOFF_FORMAT = 1;
    static final String DELAY = "urn:xmpp:delay";
    static final String LAST_ACTIVITY = "jabber:iq:last";
    /**
     * How long a lookup that a routed stanza waits for may wait for room in a full worker pool:
     * longer than a burst of sign-ins or sign-offs keeps the pool full, short enough that a
     * stalled database still fails the stanza closed rather than holding it.
     */
    static final long PATIENCE_MILLIS = 30_000;

    /** What the server remembers of a user who went offline: the unavailable presence, and when. */
    record LastUnavailable(Stanza presence, Instant at) {
    }

    /** One stored change of an item. */
    record Change(RosterItem before, RosterItem after, long version, Transition transition) {
        boolean visiblyChanged() {
            return !Objects.equals(RosterItem.visibleOrNull(before), RosterItem.visibleOrNull(after));
        }
    }

    /** Computes an item's next state from the user's roster, or refuses with {@link RosterRefusal}. */
    interface Edit {
        Transition apply(Roster roster);
    }

    private final RosterStore store;
    private final WorkerPool workers;
    private final StateHandoff handoff;
    private final Supplier<DomainBareJid> domain;
    private volatile Limits limits;
    /** Guards a user's cache entry and stored rows between a read of the store and a write. */
    private final ReentrantLock[] locks = new ReentrantLock[64];
    /** Per user, the end of the line of operations: the next one starts when it completes. */
    private final Map<EntityBareJid, CompletableFuture<Void>> lines = new ConcurrentHashMap<>();
    private final Map<EntityBareJid, Roster> cache = new ConcurrentHashMap<>();
    /**
     * Sessions (by id: a new session of the same resource is another one) that asked for the
     * roster: RFC 6121 section 2.1.6 "interested resources".
     */
    private final Set<String> interested = ConcurrentHashMap.newKeySet();
    /**
     * Sessions whose initial presence was handled (probes sent, pending requests delivered), by
     * id, each with its presence as it was broadcast: after the outbound interceptors above the
     * roster (the vCard bundle adds the avatar hash), so that a probe answer is the same presence
     * the broadcast carried, not the session's bare one. {@link #BROADCAST_UNKNOWN} for a session
     * taken over from a version that did not hand its broadcast presence over. One map for both:
     * they are set and cleared together, and an idle server holds an entry per session.
     */
    private final Map<String, Stanza> announced = new ConcurrentHashMap<>();
    /** Marks an announced session whose broadcast presence is not known (compared by identity). */
    private static final Stanza BROADCAST_UNKNOWN = Stanza.create(Element.empty("presence", Namespaces.CLIENT));
    /** Set when state was taken over: ids of sessions that ended meanwhile are dropped once the registry is known. */
    private volatile boolean pruneOnRegistry;
    /** Users' last unavailable presence: what this instance saw or read back from {@link #lastSeen}. */
    private final Map<EntityBareJid, LastUnavailable> lastUnavailable = new ConcurrentHashMap<>();
    private final LastSeenStore lastSeen;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set when this instance stops: lookups still waiting for room in the worker pool give up. */
    private volatile boolean stopped;
    /** Lookups a stanza already accepted depends on: they wait for room in a full pool (see {@link PatientWork}). */
    private final PatientWork patient;
    private final AtomicLong pushes = new AtomicLong();
    private volatile StanzaRouter router;
    private volatile SessionRegistry registry;
    private final Blocking blocking;
    private final Privacy privacy;
    /** Accounts deleted in the last minute: they exist for nobody, whatever sessions they still had. */
    private final Map<EntityBareJid, Long> deletedUntil = new ConcurrentHashMap<>();
    private final SharedRosterGroups shared;
    /** Which presence each newly available session was handed, so that it gets each contact's once. */
    private final PresenceLedger ledger;
    private final java.util.function.Consumer<List<SharedRosterGroups.PairChange>> sharedListener = this::sharedChanged;

    @Activate
    public RosterService(RosterConfig config, @Reference SqlDatabase database, @Reference WorkerPool workers,
            @Reference StateHandoff handoff, @Reference ServerInfo server, @Reference SharedRosterGroups shared) {
        this(new RosterStore(database), workers, handoff, server::domain, Limits.of(config, Limits.DEFAULTS), shared);
        privacy.limits(privacyLimits(config, privacy.limits()));
        store.migrate();
        blocking.migrate();
        lastSeen.migrate();
        takeOver();
    }

    RosterService(RosterStore store, WorkerPool workers, StateHandoff handoff, Supplier<DomainBareJid> domain, Limits limits) {
        this(store, workers, handoff, domain, limits, new SharedRosterGroups(handoff));
    }

    RosterService(RosterStore store, WorkerPool workers, StateHandoff handoff, Supplier<DomainBareJid> domain, Limits limits,
            SharedRosterGroups shared) {
        this.shared = shared;
        shared.listen(sharedListener);
        this.store = store;
        this.workers = workers;
        this.handoff = handoff;
        this.domain = domain;
        this.limits = limits;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        this.ledger = new PresenceLedger(session -> session.isAvailable() && !announced.containsKey(session.id()));
        this.patient = new PatientWork(workers, PATIENCE_MILLIS, () -> stopped);
        this.privacy = new Privacy(new BlockStore(store.database()), workers, patient, this);
        this.blocking = new Blocking(privacy, this);
        this.lastSeen = new LastSeenStore(store.database());
    }

    @Modified
    void modified(RosterConfig config) {
        limits = Limits.of(config, limits);
        privacy.limits(privacyLimits(config, privacy.limits()));
    }

    private static Privacy.ListLimits privacyLimits(RosterConfig config, Privacy.ListLimits previous) {
        return new Privacy.ListLimits(Limits.checked("maxPrivacyLists", config.maxPrivacyLists(), 1, 10_000, previous.maxLists()),
                Limits.checked("maxPrivacyItems", config.maxPrivacyItems(), 1, 100_000, previous.maxItems()));
    }

    Limits limits() {
        return limits;
    }

    // ---- dynamic references: routing and the session core are upgraded live ----

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        router = r;
    }

    void unsetRouter(StanzaRouter r) {
        if (router == r) {
            router = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        registry = r;
        if (pruneOnRegistry) {
            pruneOnRegistry = false;
            Set<String> bound = new java.util.HashSet<>();
            for (Session s : r.all()) {
                bound.add(s.id());
            }
            interested.retainAll(bound);
            announced.keySet().retainAll(bound);
            blocking.interested.retainAll(bound);
            privacy.prune(bound);
        }
    }

    void unsetRegistry(SessionRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeDirectory")
    void addDirectory(UserDirectory directory) {
        directories.add(directory);
    }

    void removeDirectory(UserDirectory directory) {
        directories.remove(directory);
    }

    // ---- storage, one user at a time ----

    private ReentrantLock lockOf(EntityBareJid user) {
        return locks[Math.floorMod(user.hashCode(), locks.length)];
    }

    /**
     * The user's roster as the user sees it, shared groups included (see {@link SharedOverlay}):
     * from the cache while the user is signed in, else read on the worker pool.
     */
    CompletionStage<Roster> roster(EntityBareJid user) {
        return stored(user).thenApply(r -> SharedOverlay.overlay(r, shared.contactsOf(user.getLocalpart().toString()),
                domain.get().toString()));
    }

    private CompletionStage<Roster> stored(EntityBareJid user) {
        Roster cached = cache.get(user);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        // A signed-in user's roster is read once and kept, and their presence waits for it: patient
        // with a full pool. Others' (a probe of an offline contact) meet the pool's bound.
        WorkerPool pool = hasSessions(user) ? patient : workers;
        return tracked(pool.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                return current(user);
            } finally {
                lock.unlock();
            }
        }));
    }

    /** Under the user's lock. */
    private Roster current(EntityBareJid user) {
        Roster cached = cache.get(user);
        if (cached != null) {
            return cached;
        }
        Roster loaded = store.load(user.getLocalpart().toString());
        if (hasSessions(user)) {
            cache.put(user, loaded);
        }
        return loaded;
    }

    /**
     * Applies an edit to one item of the user's roster and stores the result, under the user's lock
     * on the worker pool. An edit that leaves the item as it was stores nothing. The push goes out
     * under the lock too: a pair step ({@link #pairStep}) changes this user's items outside the
     * user's line, and pushes must reach the user's resources in version order.
     */
    CompletionStage<Change> change(EntityBareJid user, String contact, Edit edit) {
        return tracked(workers.submit(() -> {
            ReentrantLock lock = lockOf(user);
            lock.lock();
            try {
                Roster roster = current(user);
                RosterItem before = roster.item(contact);
                Transition t = edit.apply(roster);
                RosterItem after = t.after();
                if (Objects.equals(before, after)) {
                    return new Change(before, after, roster.version(), t);
                }
                long version = store.write(user.getLocalpart().toString(), contact, after, RosterItem.visibleOrNull(before) != null);
                Roster next = roster.with(contact, after, version);
                if (cache.containsKey(user) || hasSessions(user)) {
                    cache.put(user, next);
                }
                Change change = new Change(before, after, version, t);
                pushIfChanged(user, change);
                return change;
            } finally {
                lock.unlock();
            }
        }));
    }

    /**
     * Runs an operation on a user's roster after the ones before it, and the next one only after
     * its stage (with everything it sends) completes. Never blocks: a busy line queues.
     */
    <T> CompletionStage<T> inLine(EntityBareJid user, Supplier<CompletionStage<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = lines.put(user, done);
        Runnable run = () -> {
            CompletionStage<T> stage;
            try {
                stage = operation.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((r, e) -> {
                lines.remove(user, done);
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
                done.complete(null);
            });
        };
        if (previous == null) {
            run.run();
        } else {
            previous.thenRun(run);
        }
        return tracked(result);
    }

    /** True when no operation is running or queued. */
    boolean idle() {
        return inFlight.get() == 0 && lines.isEmpty();
    }

    /** Counts work in hand, so that deactivation can let it finish before handing over. */
    private <T> CompletionStage<T> tracked(CompletionStage<T> stage) {
        inFlight.incrementAndGet();
        return stage.whenComplete((r, e) -> inFlight.decrementAndGet());
    }

    // ---- roster get and set (RFC 6121 section 2) ----

    /**
     * Section 2.1.3 with XEP-0237: nothing when the client's version is current; for an older
     * version this server gave, an empty result followed by a push for each change since; for any
     * other, the whole roster.
     */
    CompletionStage<Stanza> get(Stanza iq, Session origin, EntityBareJid user) {
        interested.add(origin.id());
        String clientVersion = iq.payload().attribute("ver");
        EntityFullJid to = origin.jid();
        String tag = shared.tag(user.getLocalpart().toString());
        return roster(user).thenCompose(roster -> {
            String version = SharedOverlay.version(roster.version(), tag);
            if (version.equals(clientVersion)) {
                return CompletableFuture.completedFuture(iq.resultReply(null));
            }
            long known = SharedOverlay.olderVersion(clientVersion, roster.version(), tag);
            if (known < 0) {
                return CompletableFuture.completedFuture(whole(iq, roster, tag));
            }
            CompletableFuture<Stanza> answer = new CompletableFuture<>();
            tracked(workers.submit(() -> store.since(user.getLocalpart().toString(), known))).whenComplete((delta, e) -> {
                if (e != null) {
                    LOG.warn("Sending the whole roster of {}: its changes could not be read", user, e);
                    answer.complete(whole(iq, roster, tag));
                    return;
                }
                // XEP-0237 section 4: the empty result first (routing sends it as this completes), then the pushes.
                answer.complete(iq.resultReply(null));
                pushDelta(user, to, roster, delta, tag);
            });
            return answer;
        });
    }

    private static Stanza whole(Stanza iq, Roster roster, String tag) {
        Element.Builder query = Element.builder("query", RosterItem.NAMESPACE).attribute("ver", SharedOverlay.version(roster.version(), tag));
        for (RosterItem item : roster.visible()) {
            query.child(item.toElement());
        }
        return iq.resultReply(query.build());
    }

    /** The client's version when it is one this roster had before now, else -1. */
    static long olderVersion(String clientVersion, long current) {
        if (clientVersion == null || clientVersion.isEmpty() || clientVersion.length() > 19) {
            return -1;
        }
        for (int i = 0; i < clientVersion.length(); i++) {
            char c = clientVersion.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long v = Long.parseLong(clientVersion);
        return v < current ? v : -1;
    }

    /** The changes in version order; the last push carries the current version, so the client ends up current. */
    private void pushDelta(EntityBareJid user, EntityFullJid to, Roster roster, RosterStore.Delta delta, String tag) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(delta.changed());
        all.addAll(delta.removed());
        all.sort(Map.Entry.comparingByValue());
        for (int i = 0; i < all.size(); i++) {
            String contact = all.get(i).getKey();
            RosterItem item = RosterItem.visibleOrNull(roster.item(contact));
            long ver = i == all.size() - 1 ? roster.version() : all.get(i).getValue();
            pushTo(user, to, item == null ? RosterItem.removal(contact) : item.toElement(), SharedOverlay.version(ver, tag));
        }
    }

    /** Section 2.3 and 2.5: adds or updates an item (name, groups), or removes it. */
    CompletionStage<Stanza> set(Stanza iq, EntityBareJid user) {
        RosterRequest request;
        try {
            request = RosterRequest.parse(iq.payload(), limits);
        } catch (RosterRefusal r) {
            return CompletableFuture.completedFuture(withoutPayload(iq).errorReply(r.condition(), r.getMessage()));
        }
        CompletionStage<Change> stored = request.remove() ? remove(user, request.contact()) : update(user, request);
        return stored.handle((change, error) -> {
            if (error != null) {
                return refusal(withoutPayload(iq), error);
            }
            return iq.resultReply(null);
        });
    }

    /**
     * The request without its payload, to answer an error with: RFC 6120 section 8.3.1 lets the
     * error leave out the original XML, and a client library that parses its own malformed item
     * back out of the error (Smack does, and then drops the whole answer) never learns the outcome.
     */
    static Stanza withoutPayload(Stanza iq) {
        Element e = iq.element();
        Element.Builder b = Element.builder(e.name(), e.namespace());
        for (int i = 0; i < e.attributeCount(); i++) {
            b.attribute(e.attributeName(i), e.attributeValue(i));
        }
        return Stanza.create(b.build());
    }

    private CompletionStage<Change> update(EntityBareJid user, RosterRequest request) {
        String contact = request.contact().toString();
        return inLine(user, () -> mayAdd(user, request.contact()).thenCompose(found -> {
            if (!found) {
                // Issue 12: an address of this server that no directory knows is not added. An
                // item already there (an account deleted since) can still be renamed or removed.
                throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "there is no account " + contact + " on this server");
            }
            return change(user, contact, roster -> {
            // A shared group's name is the operator's, not the user's: a client echoing it back does not make it personal.
            Set<String> sharedGroups = sharedWith(user, contact);
            List<String> groups = sharedGroups.isEmpty() ? request.groups()
                    : request.groups().stream().filter(g -> !sharedGroups.contains(g)).toList();
            RosterItem before = roster.item(contact);
            if (RosterItem.visibleOrNull(before) == null && roster.visibleCount() >= limits.maxItems()) {
                throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT,
                        "a roster holds at most " + limits.maxItems() + " items");
            }
            RosterItem base = before == null ? RosterItem.visible(contact) : before;
            return Transition.none(base.withNameAndGroups(request.name(), groups));
            });
        }));
    }

    /** True when the roster may hold the contact: it does already, or it is an account that exists (any other domain's is not ours to judge). */
    private CompletionStage<Boolean> mayAdd(EntityBareJid user, Jid contact) {
        return roster(user).thenCompose(roster -> RosterItem.visibleOrNull(roster.item(contact.toString())) != null
                ? CompletableFuture.completedFuture(true) : exists(contact));
    }

    /**
     * Section 2.5.2: removing an item cancels the subscriptions both ways (unsubscribe and
     * unsubscribed to the contact, whose server then updates its side) and forgets the contact.
     */
    private CompletionStage<Change> remove(EntityBareJid user, Jid contactJid) {
        String contact = contactJid.toString();
        EntityBareJid local = localContact(user, contactJid);
        if (local != null) {
            return inLine(user, () -> exists(local).thenCompose(found -> !found ? stanzaRemove(user, contactJid)
                    : admitted(subscription(user, local, "unsubscribe", null), local)
                            .thenCombine(admitted(subscription(user, local, "unsubscribed", null), local), (unsubscribe, unsubscribed) ->
                                    new boolean[] {unsubscribe, unsubscribed})
                            .thenCompose(admits -> tracked(workers.submit(() -> pairStep(user, local,
                                    pair -> pairRemove(pair, user, local, admits[0], admits[1])))))
                            .thenApply(done -> (Change) null)));
        }
        return inLine(user, () -> stanzaRemove(user, contactJid));
    }

    /** Removal with the cancellations sent as stanzas: for a contact on another domain, or one the pair path cannot serve. */
    private CompletionStage<Change> stanzaRemove(EntityBareJid user, Jid contactJid) {
        String contact = contactJid.toString();
        return change(user, contact, roster -> {
            Set<String> sharedGroups = sharedWith(user, contact);
            if (!sharedGroups.isEmpty()) {
                // As Openfire does: the operator put the contact there, the user cannot take it out.
                throw new RosterRefusal(StanzaErrorCondition.NOT_ALLOWED, "the server shares this contact with you through the group(s) "
                        + String.join(", ", sharedGroups) + "; it cannot be removed");
            }
            RosterItem before = roster.item(contact);
            if (RosterItem.visibleOrNull(before) == null) {
                throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no such item in the roster");
            }
            return Transition.none(null);
        }).thenApply(change -> {
            RosterItem before = change.before();
            Jid to = contactJid.asBareJid();
            if (before.subscription().hasTo() || before.askOut()) {
                route(subscription(user, to, "unsubscribe", null));
            }
            if (before.subscription().hasFrom()) {
                sendUnavailable(user, to);
            }
            if (before.subscription().hasFrom() || before.pendingIn()) {
                route(subscription(user, to, "unsubscribed", null));
            }
            return change;
        });
    }

    /** A refusal, or internal-server-error (or try later) for a failure. Nothing was stored either way. */
    static Stanza refusal(Stanza request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RosterRefusal r) {
            return request.errorReply(r.condition(), r.getMessage());
        }
        if (cause instanceof WorkRejectedException) {
            return request.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        LOG.error("A roster request of {} failed", request.from(), cause);
        return request.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }

    // ---- subscriptions (RFC 6121 section 3) ----

    /**
     * A subscription stanza a local user sent: the user's side of the state machine. What must go
     * on to the contact is routed from the user's bare JID.
     */
    CompletionStage<InterceptResult> outbound(Stanza presence, Session origin, EntityBareJid user) {
        Op op = Op.outbound(presence.type());
        Jid contactJid = presence.to().asBareJid();
        String contact = contactJid.toString();
        if (!sharedWith(user, contact).isEmpty()) {
            return CompletableFuture.completedFuture(sharedOutbound(op, origin, user, contactJid));
        }
        return inLine(user, () -> (op == Op.OUT_SUBSCRIBE ? exists(contactJid) : CompletableFuture.completedFuture(true))
                .thenCompose(found -> {
            if (!found) {
                // RFC 6121 section 8.5.1: no such account. Nothing is kept for it on either side.
                Stanza answer = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", contact)
                        .attribute("to", user.toString()).attribute("type", "unsubscribed").build());
                if (origin != null) {
                    origin.deliver(answer);
                }
                return CompletableFuture.completedFuture(InterceptResult.consumed());
            }
            EntityBareJid local = localContact(user, contactJid);
            if (local == null) {
                return stanzaOutbound(op, presence, user, contactJid);
            }
            Element status = presence.element().child("status", Namespaces.CLIENT);
            CompletionStage<Boolean> there = op == Op.OUT_SUBSCRIBE ? CompletableFuture.completedFuture(true) : exists(local);
            return there.thenCompose(yes -> !yes ? CompletableFuture.completedFuture(false)
                    : admitted(subscription(user, local, presence.type(), status), local)).thenCompose(pairable -> {
                if (!pairable) {
                    return stanzaOutbound(op, presence, user, contactJid);
                }
                // The contact's automatic answer to a request (already approved, pre-approved, or
                // autoApprove) meets the user's policies as a stanza to the user would.
                CompletionStage<Boolean> reply = op == Op.OUT_SUBSCRIBE ? admitted(subscription(local, user, "subscribed", null), user)
                        : CompletableFuture.completedFuture(false);
                return reply.thenCompose(replyAdmitted -> tracked(workers.submit(() -> pairStep(user, local,
                        pair -> pairOutbound(pair, user, local, op, presence.type(), status, replyAdmitted)))))
                        .thenApply(done -> InterceptResult.consumed());
            });
        })).exceptionally(RosterService::refused);
    }

    /** The user's side of a subscription stanza, the stanza routed on to the contact's server: RFC 6121 between two servers. */
    private CompletionStage<InterceptResult> stanzaOutbound(Op op, Stanza presence, EntityBareJid user, Jid contactJid) {
        String contact = contactJid.toString();
        return change(user, contact, roster -> {
            RosterItem before = roster.item(contact);
            Transition t = SubscriptionRules.apply(op, before, contact, null, false);
            checkRoom(roster, before, t.after());
            return t;
        }).thenApply(change -> {
            Transition t = change.transition();
            if (t.sendUnavailable()) {
                sendUnavailable(user, contactJid);
            }
            if (t.route()) {
                route(subscription(user, contactJid, presence.type(), presence.element().child("status", Namespaces.CLIENT)));
            }
            if (t.sendPresence()) {
                sendPresence(user, contactJid);
            }
            return InterceptResult.consumed();
        });
    }

    /** Refuses an item the user would newly see in a roster already holding the most it may. */
    private void checkRoom(Roster roster, RosterItem before, RosterItem after) {
        if (RosterItem.visibleOrNull(before) == null && RosterItem.visibleOrNull(after) != null
                && roster.visibleCount() >= limits.maxItems()) {
            throw new RosterRefusal(StanzaErrorCondition.RESOURCE_CONSTRAINT, "a roster holds at most " + limits.maxItems() + " items");
        }
    }

    /** A refusal the sender gets as an error; any other failure is the interceptor's (internal-server-error). */
    static InterceptResult refused(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RosterRefusal r) {
            return InterceptResult.refuse(r.condition(), r.getMessage());
        }
        if (cause instanceof WorkRejectedException) {
            return InterceptResult.refuse(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        throw error instanceof CompletionException ce ? ce : new CompletionException(cause);
    }

    // ---- both sides of a subscription between two local users, in one step ----

    /**
     * The contact as a local account whose side the pair path can apply (another account of this
     * domain), or null: another domain's contact keeps the stanza path, as between two servers.
     */
    private EntityBareJid localContact(EntityBareJid user, Jid contact) {
        EntityBareJid account = contact.asEntityBareJidIfPossible();
        if (account == null || !account.asDomainBareJid().equals(domain.get()) || account.equals(user)) {
            return null;
        }
        return account;
    }

    /**
     * Whether the recipient's policies (privacy lists, blocks) let a subscription stanza reach it
     * now, asked of routing as for any stanza arriving for the account. No (and a policy that
     * cannot decide, or no routing) sends the stanza the way it always went, through routing,
     * where those policies drop or refuse it exactly as before.
     */
    private CompletionStage<Boolean> admitted(Stanza stanza, EntityBareJid recipient) {
        StanzaRouter r = router;
        if (r == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Boolean> answer;
        try {
            answer = r.admits(stanza, recipient);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
        return answer.handle((yes, e) -> e == null && Boolean.TRUE.equals(yes));
    }

    /**
     * Runs the steps on both users' rosters under both users' locks, taken in the order of their
     * lock stripes (one fixed order for every pair, so two crossing steps cannot deadlock), stores
     * what they changed in one transaction, then sends the pushes and stanzas in the order the
     * steps made them, still under the locks: each user's resources get pushes in version order,
     * whichever pair or line changed the item. A refusal or a failed write stores and sends
     * nothing. Nothing else can change either item in between, so crossing operations of the two
     * users are applied one after the other, never half of one between the halves of another.
     */
    private Void pairStep(EntityBareJid a, EntityBareJid b, java.util.function.Consumer<Pair> steps) {
        int i = Math.floorMod(a.hashCode(), locks.length);
        int j = Math.floorMod(b.hashCode(), locks.length);
        ReentrantLock first = locks[Math.min(i, j)];
        ReentrantLock second = locks[Math.max(i, j)];
        first.lock();
        try {
            second.lock();
            try {
                Pair pair = new Pair(a, b);
                steps.accept(pair);
                pair.commit();
                return null;
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    /**
     * One pair step's work in hand: both rosters as the step changed them, the writes, and what to
     * send once the writes are stored (a push, by index of its write, or a stanza to send).
     */
    private final class Pair {
        private final Map<EntityBareJid, Roster> rosters = new HashMap<>(4);
        private final List<RosterStore.Write> writes = new ArrayList<>();
        private final List<EntityBareJid> owners = new ArrayList<>();
        private final List<Change> changes = new ArrayList<>();
        private final List<Object> sends = new ArrayList<>();

        Pair(EntityBareJid a, EntityBareJid b) {
            rosters.put(a, current(a));
            rosters.put(b, current(b));
        }

        Roster roster(EntityBareJid owner) {
            return rosters.get(owner);
        }

        RosterItem item(EntityBareJid owner, EntityBareJid contact) {
            return rosters.get(owner).item(contact.toString());
        }

        /** The owner's item for the contact becomes the transition's; pushed in its place among the sends. */
        void store(EntityBareJid owner, EntityBareJid contact, Transition t) {
            Roster roster = rosters.get(owner);
            String c = contact.toString();
            RosterItem before = roster.item(c);
            if (Objects.equals(before, t.after())) {
                return;
            }
            writes.add(new RosterStore.Write(owner.getLocalpart().toString(), c, t.after(), RosterItem.visibleOrNull(before) != null));
            owners.add(owner);
            changes.add(new Change(before, t.after(), 0, t));
            rosters.put(owner, roster.with(c, t.after(), roster.version() + 1));
            sends.add(changes.size() - 1);
        }

        void send(Runnable stanza) {
            sends.add(stanza);
        }

        void commit() {
            long[] versions = writes.isEmpty() ? new long[0] : store.writeAll(writes);
            Map<EntityBareJid, Long> last = new HashMap<>(4);
            for (int k = 0; k < versions.length; k++) {
                last.put(owners.get(k), versions[k]);
            }
            last.forEach((owner, version) -> {
                if (cache.containsKey(owner) || hasSessions(owner)) {
                    cache.put(owner, new Roster(version, rosters.get(owner).items()));
                }
            });
            for (Object send : sends) {
                if (send instanceof Integer k) {
                    Change c = changes.get(k);
                    pushIfChanged(owners.get(k), new Change(c.before(), c.after(), versions[k], c.transition()));
                } else {
                    ((Runnable) send).run();
                }
            }
        }
    }

    /**
     * The user's subscription stanza to a local contact: the user's side (Appendix A.2) and, where
     * the stanza goes on, the contact's (A.3) with its automatic answer, in the order routing
     * would have carried them, with the same pushes and stanzas each side's resources got then.
     */
    private void pairOutbound(Pair pair, EntityBareJid user, EntityBareJid contact, Op op, String type, Element status,
            boolean replyAdmitted) {
        RosterItem before = pair.item(user, contact);
        Transition t = SubscriptionRules.apply(op, before, contact.toString(), null, false);
        checkRoom(pair.roster(user), before, t.after());
        pair.store(user, contact, t);
        if (t.sendUnavailable()) {
            pair.send(() -> sendUnavailable(user, contact));
        }
        if (t.route()) {
            pairInbound(pair, contact, user, Op.inbound(type), type, status, replyAdmitted);
        }
        if (t.sendPresence()) {
            pair.send(() -> sendPresence(user, contact));
        }
    }

    /** A subscription stanza from a local user reaching the owner, as {@link #inbound} applies one. */
    private void pairInbound(Pair pair, EntityBareJid owner, EntityBareJid from, Op op, String type, Element status,
            boolean replyAdmitted) {
        Transition t = SubscriptionRules.apply(op, pair.item(owner, from), from.toString(), status == null ? null : status.text(),
                limits.autoApprove());
        pair.store(owner, from, t);
        if (t.deliver()) {
            Stanza delivered = subscription(from, owner, type, status);
            pair.send(() -> {
                for (Session s : available(owner)) {
                    s.deliver(delivered);
                }
            });
        }
        if (t.sendUnavailable()) {
            pair.send(() -> sendUnavailable(owner, from));
        }
        if (t.replySubscribed()) {
            if (replyAdmitted) {
                pairInbound(pair, from, owner, Op.IN_SUBSCRIBED, "subscribed", null, false);
            } else {
                pair.send(() -> route(subscription(owner, from, "subscribed", null)));
            }
        }
        if (t.sendPresence()) {
            pair.send(() -> sendPresence(owner, from));
        }
    }

    /** Section 2.5.2 for a local contact: the item goes, and the contact's side follows the cancellations in the same step. */
    private void pairRemove(Pair pair, EntityBareJid user, EntityBareJid contact, boolean unsubscribeAdmitted,
            boolean unsubscribedAdmitted) {
        Set<String> sharedGroups = sharedWith(user, contact.toString());
        if (!sharedGroups.isEmpty()) {
            throw new RosterRefusal(StanzaErrorCondition.NOT_ALLOWED, "the server shares this contact with you through the group(s) "
                    + String.join(", ", sharedGroups) + "; it cannot be removed");
        }
        RosterItem before = pair.item(user, contact);
        if (RosterItem.visibleOrNull(before) == null) {
            throw new RosterRefusal(StanzaErrorCondition.ITEM_NOT_FOUND, "no such item in the roster");
        }
        pair.store(user, contact, Transition.none(null));
        if (before.subscription().hasTo() || before.askOut()) {
            if (unsubscribeAdmitted) {
                pairInbound(pair, contact, user, Op.IN_UNSUBSCRIBE, "unsubscribe", null, false);
            } else {
                pair.send(() -> route(subscription(user, contact, "unsubscribe", null)));
            }
        }
        if (before.subscription().hasFrom()) {
            pair.send(() -> sendUnavailable(user, contact));
        }
        if (before.subscription().hasFrom() || before.pendingIn()) {
            if (unsubscribedAdmitted) {
                pairInbound(pair, contact, user, Op.IN_UNSUBSCRIBED, "unsubscribed", null, false);
            } else {
                pair.send(() -> route(subscription(user, contact, "unsubscribed", null)));
            }
        }
    }

    /** A subscription stanza for a local user: the contact's side of the state machine. */
    CompletionStage<InterceptResult> inbound(Stanza presence, EntityBareJid owner) {
        Op op = Op.inbound(presence.type());
        Jid fromJid = presence.from().asBareJid();
        String from = fromJid.toString();
        Element status = presence.element().child("status", Namespaces.CLIENT);
        if (!sharedWith(owner, from).isEmpty()) {
            // Members of a shared group see each other already; only a request gets an answer (RFC 6121 3.1.3: already subscribed).
            if (op == Op.IN_SUBSCRIBE) {
                route(subscription(owner, fromJid, "subscribed", null));
            }
            return CompletableFuture.completedFuture(InterceptResult.consumed());
        }
        return inLine(owner, () -> exists(owner).thenCompose(found -> {
            if (!found) {
                if (op == Op.IN_SUBSCRIBE) {
                    route(subscription(owner, fromJid, "unsubscribed", null)); // RFC 6121 section 8.5.1
                }
                return CompletableFuture.completedFuture(InterceptResult.consumed());
            }
            boolean autoApprove = limits.autoApprove();
            return change(owner, from, roster -> SubscriptionRules.apply(op, roster.item(from), from,
                    status == null ? null : status.text(), autoApprove)).thenApply(change -> {
                        Transition t = change.transition();
                        if (t.deliver()) {
                            Stanza delivered = subscription(fromJid, owner, presence.type(), status);
                            for (Session s : available(owner)) {
                                s.deliver(delivered);
                            }
                        }
                        if (t.sendUnavailable()) {
                            sendUnavailable(owner, fromJid);
                        }
                        if (t.replySubscribed()) {
                            route(subscription(owner, fromJid, "subscribed", null));
                        }
                        if (t.sendPresence()) {
                            sendPresence(owner, fromJid);
                        }
                        return InterceptResult.consumed();
                    });
        })).exceptionally(RosterService::refused);
    }

    /** Whether an address is an account that exists (any directory says so); other domains are not ours to say. */
    CompletionStage<Boolean> exists(Jid jid) {
        EntityBareJid account = jid.asEntityBareJidIfPossible();
        if (account == null || !jid.asDomainBareJid().equals(domain.get())) {
            return CompletableFuture.completedFuture(true);
        }
        Long until = deletedUntil.get(account);
        if (until != null) {
            if (System.nanoTime() - until < 0) {
                return CompletableFuture.completedFuture(false);
            }
            deletedUntil.remove(account, until);
        }
        if (hasSessions(account) || directories.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return ask(List.copyOf(directories), 0, account.getLocalpart().toString());
    }

    /** As routing does: an account exists when any directory says so; one that fails counts as yes. */
    private static CompletionStage<Boolean> ask(List<UserDirectory> list, int i, String username) {
        if (i >= list.size()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Boolean> answer;
        try {
            answer = list.get(i).exists(username);
        } catch (RuntimeException e) {
            LOG.error("A user directory failed on '{}'; the account is taken to exist", username, e);
            return CompletableFuture.completedFuture(true);
        }
        return answer.handle((found, e) -> {
            if (e != null) {
                LOG.error("A user directory failed on '{}'; the account is taken to exist", username, e);
                return CompletableFuture.completedFuture(true);
            }
            return Boolean.TRUE.equals(found) ? CompletableFuture.completedFuture(true) : ask(list, i + 1, username);
        }).thenCompose(s -> s);
    }

    // ---- presence (RFC 6121 section 4) ----

    /**
     * Broadcast presence of a local user's resource (no 'to'): to every contact subscribed to the
     * user and to the user's own available resources. Initial presence also probes the contacts
     * the user is subscribed to, delivers the subscription requests waiting for the user, and
     * gives the new resource the presence of the user's other resources.
     */
    CompletionStage<InterceptResult> broadcast(Stanza presence, Session origin, EntityBareJid user) {
        boolean available = presence.type() == null;
        boolean initial = false;
        if (origin != null) {
            if (available) {
                initial = announced.put(origin.id(), presence) == null;
            } else {
                announced.remove(origin.id());
                rememberIfLastUnavailable(user, origin, presence);
            }
        }
        boolean first = initial;
        return roster(user).thenApply(roster -> {
            for (RosterItem item : roster.visible()) {
                if (item.subscription().hasFrom()) {
                    route(presence.withTo(bare(item.contact())));
                }
            }
            route(presence.withTo(user));
            if (first) {
                signedIn(roster, origin, user);
            }
            return InterceptResult.consumed();
        });
    }

    private void signedIn(Roster roster, Session origin, EntityBareJid user) {
        for (RosterItem item : roster.items().values()) {
            Jid contact = bare(item.contact());
            if (item.inRoster() && item.subscription().hasTo()) {
                route(Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", origin.jid().toString())
                        .attribute("to", contact.toString()).attribute("type", "probe").build()));
            }
            if (item.pendingIn()) {
                // RFC 6121 section 3.1.3: a request waits for the user's next sign-in, every time until answered.
                Element status = item.request() == null ? null
                        : Element.builder("status", Namespaces.CLIENT).text(item.request()).build();
                origin.deliver(subscription(contact, user, "subscribe", status));
            }
        }
        for (Session other : available(user)) {
            Stanza p = answerable(other);
            if (!other.jid().equals(origin.jid()) && p != null) {
                Stanza once = ledger.admit(p.withTo(origin.jid()), origin); // the other resource's broadcast may have come already
                if (once != null) {
                    origin.deliver(once);
                }
            }
        }
    }

    private void rememberIfLastUnavailable(EntityBareJid user, Session origin, Stanza presence) {
        for (Session s : sessions(user)) {
            if (s.isAvailable() && !s.jid().equals(origin.jid())) {
                return;
            }
        }
        LastUnavailable last = new LastUnavailable(presence.withTo(null).withFrom(origin.jid()), Instant.now());
        lastUnavailable.put(user, last);
        String xml = XmlSerializer.toXml(last.presence().element());
        tracked(patient.submit(() -> {
            lastSeen.put(user.getLocalpart().toString(), new LastSeenStore.Seen(xml, last.at().toEpochMilli()));
            return null;
        })).exceptionally(e -> {
            // The probe answers of this run still have it; after a restart they will not.
            LOG.warn("Could not store when {} was last seen: {}", user, e.toString());
            return null;
        });
    }

    /** The user's last unavailable presence, or null when the server never saw one (stored ones included). */
    CompletionStage<LastUnavailable> lastUnavailable(EntityBareJid user) {
        LastUnavailable known = lastUnavailable.get(user);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return tracked(workers.submit(() -> {
            LastSeenStore.Seen seen = lastSeen.get(user.getLocalpart().toString());
            if (seen == null) {
                return null;
            }
            LastUnavailable read = new LastUnavailable(Stanza.create(XmppStreamParser.parseElement(seen.presenceXml(), Namespaces.CLIENT)),
                    Instant.ofEpochMilli(seen.atMillis()));
            // A newer one seen meanwhile wins.
            LastUnavailable raced = lastUnavailable.putIfAbsent(user, read);
            return raced != null ? raced : read;
        }));
    }

    /**
     * XEP-0012 asked of an account: 0 seconds while the user has an available resource, else the
     * seconds since their last resource went offline with its status; only for the user and the
     * contacts allowed to see their presence (subscription from), forbidden for anyone else.
     */
    CompletionStage<Stanza> lastActivity(Stanza iq, EntityBareJid owner) {
        Jid asker = iq.from();
        CompletionStage<Boolean> allowed = asker != null && asker.asBareJid().equals(owner) ? CompletableFuture.completedFuture(true)
                : asker == null ? CompletableFuture.completedFuture(false)
                : roster(owner).thenApply(roster -> {
                    RosterItem item = RosterItem.visibleOrNull(roster.item(asker.asBareJid().toString()));
                    return item != null && item.subscription().hasFrom();
                });
        return allowed.thenCompose(yes -> {
            if (!yes) {
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN,
                        "only contacts who see the user's presence may ask when they were last seen"));
            }
            if (!available(owner).isEmpty()) {
                return CompletableFuture.completedFuture(iq.resultReply(Element.builder("query", LAST_ACTIVITY)
                        .attribute("seconds", "0").build()));
            }
            return lastUnavailable(owner).thenApply(last -> {
                if (last == null) {
                    return iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "the server has not seen this user sign out");
                }
                long seconds = Math.max(0, Duration.between(last.at(), Instant.now()).toSeconds());
                Element.Builder query = Element.builder("query", LAST_ACTIVITY).attribute("seconds", Long.toString(seconds));
                String status = last.presence().element().childText("status");
                if (status != null) {
                    query.text(status);
                }
                return iq.resultReply(query.build());
            });
        });
    }

    /**
     * Section 4.3.2: a probe of a local user is answered, for a contact subscribed to the user,
     * with the last presence of each available resource, or the last unavailable presence with
     * the time it was sent (XEP-0203) when the user is offline and the server knows it.
     */
    CompletionStage<InterceptResult> probe(Stanza probe, EntityBareJid owner) {
        Jid prober = probe.from();
        if (prober == null) {
            return CompletableFuture.completedFuture(InterceptResult.consumed());
        }
        List<Session> online = available(owner);
        CompletionStage<LastUnavailable> offline = online.isEmpty() ? lastUnavailable(owner) : CompletableFuture.completedFuture(null);
        return offline.thenCombine(roster(owner), (last, roster) -> {
            if (online.isEmpty() && last == null) {
                return InterceptResult.consumed();
            }
            RosterItem item = RosterItem.visibleOrNull(roster.item(prober.asBareJid().toString()));
            if (item == null || !item.subscription().hasFrom()) {
                return InterceptResult.consumed();
            }
            if (!online.isEmpty()) {
                for (Session s : online) {
                    Stanza p = answerable(s);
                    if (p != null) {
                        route(p.withTo(prober));
                    }
                }
            } else {
                Element delayed = last.presence().element().toBuilder()
                        .child(Element.builder("delay", DELAY).attribute("from", domain.get().toString())
                                .attribute("stamp", last.at().toString()).build())
                        .build();
                route(Stanza.create(delayed).withTo(prober));
            }
            return InterceptResult.consumed();
        });
    }

    /**
     * The presence a session's probe answer carries: the one its broadcast carried. Null while its
     * initial presence is still on its way to the roster (an interceptor above may be looking up
     * the avatar hash): that broadcast reaches the prober itself, who is available since it probes.
     * The session's own presence when the broadcast one is not known (taken over from a previous
     * version of this bundle).
     */
    Stanza answerable(Session s) {
        Stanza p = announced.get(s.id());
        if (p == null) {
            return null;
        }
        return p == BROADCAST_UNKNOWN ? s.presence() : p;
    }

    /** The presence a session shows its contacts now: as broadcast where known. */
    Stanza shown(Session s) {
        Stanza p = announced.get(s.id());
        return p != null && p != BROADCAST_UNKNOWN && s.presence() != null ? p : s.presence();
    }

    /** The user's available resources' presence to a contact that may now see it. */
    private void sendPresence(EntityBareJid user, Jid contact) {
        for (Session s : available(user)) {
            Stanza p = shown(s);
            if (p != null) {
                route(p.withTo(contact));
            }
        }
    }

    /** Unavailable presence from the user's available resources to a contact that may no longer see them. */
    private void sendUnavailable(EntityBareJid user, Jid contact) {
        for (Session s : available(user)) {
            route(Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", s.jid().toString())
                    .attribute("to", contact.toString()).attribute("type", "unavailable").build()));
        }
    }

    // ---- pushes and routing ----

    private void pushIfChanged(EntityBareJid user, Change change) {
        if (change.before() == null && change.after() == null) {
            return;
        }
        String contact = change.after() != null ? change.after().contact() : change.before().contact();
        Set<String> sharedGroups = sharedWith(user, contact);
        RosterItem before = RosterItem.visibleOrNull(SharedOverlay.item(change.before(), contact, sharedGroups));
        RosterItem after = RosterItem.visibleOrNull(SharedOverlay.item(change.after(), contact, sharedGroups));
        if (Objects.equals(before, after)) {
            return;
        }
        push(user, after == null ? RosterItem.removal(contact) : after.toElement(),
                SharedOverlay.version(change.version(), shared.tag(user.getLocalpart().toString())));
    }

    /** Section 2.1.6: a push to every resource of the user that asked for the roster, with the new version. */
    private void push(EntityBareJid user, Element item, String version) {
        for (Session s : sessions(user)) {
            if (interested.contains(s.id())) {
                pushTo(user, s.jid(), item, version);
            }
        }
    }

    private void pushTo(EntityBareJid user, EntityFullJid to, Element item, String version) {
        route(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "set")
                .attribute("id", "roster-push-" + pushes.incrementAndGet()).attribute("from", user.toString())
                .attribute("to", to.toString())
                .child(Element.builder("query", RosterItem.NAMESPACE).attribute("ver", version).child(item).build())
                .build()));
    }

    private void route(Stanza stanza) {
        StanzaRouter r = router;
        if (r == null) {
            LOG.warn("No routing service: a {} from {} to {} is dropped", stanza.kind().xmlName(), stanza.from(), stanza.to());
            return;
        }
        r.route(stanza);
    }

    private static Stanza subscription(Jid from, Jid to, String type, Element status) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attribute("from", from.toString())
                .attribute("to", to.toString()).attribute("type", type);
        if (status != null) {
            b.child(status);
        }
        return Stanza.create(b.build());
    }

    static Jid bare(String contact) {
        return JidCreate.fromOrThrowUnchecked(contact).asBareJid();
    }

    Blocking blocking() {
        return blocking;
    }

    PresenceLedger ledger() {
        return ledger;
    }

    Privacy privacy() {
        return privacy;
    }

    /** The session bound to a full JID, or null. */
    Session session(EntityFullJid jid) {
        SessionRegistry r = registry;
        return r == null || jid == null ? null : r.session(jid);
    }

    java.util.Collection<Session> allSessions() {
        SessionRegistry r = registry;
        return r == null ? List.of() : r.all();
    }

    /** The stored roster when it is in memory, else null (for those that must not wait); see {@link #itemAsSeen}. */
    Roster cachedRoster(EntityBareJid user) {
        return cache.get(user);
    }

    /**
     * The item the user sees for a contact in their stored roster, shared groups included (null:
     * none): one contact's view, where {@link #roster} would build the whole overlay.
     */
    RosterItem itemAsSeen(Roster stored, EntityBareJid user, String contact) {
        return SharedOverlay.item(stored.item(contact), contact, sharedWith(user, contact));
    }

    /** Reads a roster into memory now, blocking: at a takeover, for the sessions whose privacy lists need it. */
    void preload(EntityBareJid user) {
        ReentrantLock lock = lockOf(user);
        lock.lock();
        try {
            cache.computeIfAbsent(user, u -> store.load(u.getLocalpart().toString()));
        } finally {
            lock.unlock();
        }
    }

    DomainBareJid domain() {
        return domain.get();
    }

    /** Routes a stanza the roster originates on a user's behalf. */
    void routeStanza(Stanza stanza) {
        route(stanza);
    }

    List<Session> sessions(EntityBareJid user) {
        SessionRegistry r = registry;
        return r == null ? List.of() : r.sessions(user);
    }

    boolean hasSessions(EntityBareJid user) {
        return !sessions(user).isEmpty();
    }

    List<Session> available(EntityBareJid user) {
        List<Session> result = new ArrayList<>(2);
        for (Session s : sessions(user)) {
            if (s.isAvailable()) {
                result.add(s);
            }
        }
        return result;
    }

    // ---- shared roster groups ----

    /** The shared groups the user sees the contact in; empty when they share none (or the contact is not a local account). */
    Set<String> sharedWith(EntityBareJid user, String contact) {
        int at = contact.indexOf('@');
        if (at <= 0 || !contact.substring(at + 1).equals(domain.get().toString())) {
            return Set.of();
        }
        return shared.shared(user.getLocalpart().toString(), contact.substring(0, at));
    }

    /**
     * A subscription stanza a user sends to a member of a shared group: nothing to change, the
     * operator made them see each other. A request is answered as already approved (RFC 6121
     * section 3.1.3), an approval is taken as done, and a cancellation is refused (not-allowed),
     * as removing the item is, since the next roster would show the contact again.
     */
    private InterceptResult sharedOutbound(Op op, Session origin, EntityBareJid user, Jid contact) {
        if (op == Op.OUT_SUBSCRIBE && origin != null) {
            origin.deliver(subscription(contact, user, "subscribed", null));
        }
        if (op == Op.OUT_UNSUBSCRIBE || op == Op.OUT_UNSUBSCRIBED) {
            return InterceptResult.refuse(StanzaErrorCondition.NOT_ALLOWED,
                    "the server shares this contact with you through a group; the subscription cannot be cancelled");
        }
        return InterceptResult.consumed();
    }

    /**
     * Membership changed: each online member affected gets a push per contact that appeared,
     * changed groups or left (a contact left shows its stored item again, or is removed), and
     * presence follows: a new pair sees each other's presence at once, a pair that no longer
     * shares a group (and has no subscription of its own) sees the other go unavailable.
     */
    private void sharedChanged(List<SharedRosterGroups.PairChange> changes) {
        Map<String, List<SharedRosterGroups.PairChange>> byUser = new HashMap<>();
        for (SharedRosterGroups.PairChange c : changes) {
            byUser.computeIfAbsent(c.username(), k -> new ArrayList<>()).add(c);
        }
        String domainName = domain.get().toString();
        byUser.forEach((username, mine) -> {
            EntityBareJid user = JidCreate.entityBareFromOrNull(username + "@" + domainName);
            if (user == null || !hasSessions(user)) {
                return; // its next roster request has a new version and gets the whole roster
            }
            inLine(user, () -> stored(user).thenApply(roster -> {
                String version = SharedOverlay.version(roster.version(), shared.tag(username));
                for (SharedRosterGroups.PairChange c : mine) {
                    String contact = c.contact() + "@" + domainName;
                    RosterItem own = roster.item(contact);
                    RosterItem before = RosterItem.visibleOrNull(SharedOverlay.item(own, contact, c.before()));
                    RosterItem after = RosterItem.visibleOrNull(SharedOverlay.item(own, contact, c.after()));
                    if (!Objects.equals(before, after)) {
                        push(user, after == null ? RosterItem.removal(contact) : after.toElement(), version);
                    }
                    boolean ownFrom = own != null && own.subscription().hasFrom();
                    if (!ownFrom && c.before().isEmpty() && !c.after().isEmpty()) {
                        sendPresence(user, bare(contact));
                    } else if (!ownFrom && !c.before().isEmpty() && c.after().isEmpty()) {
                        sendUnavailable(user, bare(contact));
                    }
                }
                return null;
            })).exceptionally(e -> {
                LOG.error("Shared group changes for {} were not pushed", user, e);
                return null;
            });
        });
    }

    // ---- deleted accounts ----

    /**
     * An account was deleted: it leaves every local roster it was in (each owner gets the push,
     * and the subscriptions both ways are cancelled as a removal cancels them), then its own
     * roster and block list are forgotten. For a minute it exists for no one, so that what is
     * still on its way (its sessions end meanwhile) cannot put rows back for it.
     */
    @Override
    public void deleted(EntityBareJid account) {
        deletedUntil.put(account, System.nanoTime() + 60_000_000_000L);
        String username = account.getLocalpart().toString();
        try {
            List<CompletableFuture<Change>> removals = new ArrayList<>();
            for (String owner : store.ownersOf(account.toString())) {
                EntityBareJid ownerJid = JidCreate.entityBareFromOrNull(owner + "@" + domain.get());
                if (ownerJid != null && !ownerJid.equals(account)) {
                    removals.add(forgetContact(ownerJid, account).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("Removing the deleted account {} from other rosters did not finish; what is left shows as items without subscription",
                    account, e);
        }
        ReentrantLock lock = lockOf(account);
        lock.lock();
        try {
            store.deleteAll(username);
            privacy.forget(account);
            cache.remove(account);
            lastUnavailable.remove(account);
            lastSeen.delete(username);
            LOG.info("Forgot the roster and block list of the deleted account {}", account);
        } catch (SQLException e) {
            LOG.error("The roster of the deleted account {} was not deleted", account, e);
        } finally {
            lock.unlock();
        }
    }

    /** Drops a deleted account's item from an owner's roster (pushed), and shows it offline there. */
    private CompletionStage<Change> forgetContact(EntityBareJid owner, EntityBareJid gone) {
        String contact = gone.toString();
        return inLine(owner, () -> change(owner, contact, roster -> Transition.none(null)).thenApply(change -> {
            if (change.before() != null && change.before().subscription().hasTo()) {
                Stanza unavailable = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", contact)
                        .attribute("to", owner.toString()).attribute("type", "unavailable").build());
                for (Session s : available(owner)) {
                    s.deliver(unavailable);
                }
            }
            return change;
        }));
    }

    // ---- session lifecycle ----

    @Override
    public void available(Session session, Stanza presence) {
        ledger.open(session);
    }

    @Override
    public void unavailable(Session session, Stanza presence) {
        ledger.close(session);
    }

    @Override
    public void ended(Session session) {
        ledger.close(session);
        interested.remove(session.id());
        announced.remove(session.id());
        if (!hasSessions(session.bareJid())) {
            cache.remove(session.bareJid());
        }
        blocking.ended(session);
        privacy.ended(session);
    }

    // ---- handing over to the next version ----

    /**
     * Takes what the predecessor left: interested and announced sessions (those that ended in
     * between are dropped when the session registry arrives) and the last unavailable presences. A snapshot in an unknown format is logged and ignored.
     */
    void takeOver() {
        privacy.takeOver(handoff);
        Map<String, Object> snapshot = handoff.take(HANDOFF_KEY).orElse(null);
        if (snapshot == null) {
            return;
        }
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The roster state handed over has format {}, not {}; starting without it", snapshot.get("format"), HANDOFF_FORMAT);
            return;
        }
        readIds(snapshot.get("interested"), interested);
        Set<String> wasAnnounced = new java.util.HashSet<>();
        readIds(snapshot.get("announced"), wasAnnounced);
        Map<?, ?> broadcast = snapshot.get("broadcast") instanceof Map<?, ?> m ? m : Map.of(); // absent before 2026-11-30
        for (String id : wasAnnounced) {
            announced.put(id, broadcast.get(id) instanceof Stanza p ? p : BROADCAST_UNKNOWN);
        }
        readIds(snapshot.get("blockListInterested"), blocking.interested); // absent from versions before blocking
        pruneOnRegistry = true;
        if (snapshot.get("lastUnavailable") instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Stanza p && l.get(1) instanceof Long at) {
                    EntityBareJid user = JidCreate.entityBareFromOrNull(String.valueOf(e.getKey()));
                    if (user != null) {
                        lastUnavailable.put(user, new LastUnavailable(p, Instant.ofEpochMilli(at)));
                    }
                }
            }
        }
        LOG.info("Took over the roster state: {} interested and {} announced resources, {} last unavailable presences",
                interested.size(), announced.size(), lastUnavailable.size());
    }

    /** The announced sessions' broadcast presence where known, for the successor's probe answers. */
    private Map<String, Stanza> broadcastPresences() {
        Map<String, Stanza> known = new HashMap<>();
        announced.forEach((id, p) -> {
            if (p != BROADCAST_UNKNOWN) {
                known.put(id, p);
            }
        });
        return known;
    }

    private static void readIds(Object value, Set<String> into) {
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String id) {
                    into.add(id);
                }
            }
        }
    }

    /** Lets work in hand finish (bounded), then deposits the in-memory state for the successor. */
    @Deactivate
    void deactivate() {
        stopped = true;
        shared.unlisten(sharedListener);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("{} roster operation(s) were still running when the roster stopped", inFlight.get());
        }
        handoff.deposit(HANDOFF_KEY, snapshot());
        privacy.deposit(handoff);
    }

    Map<String, Object> snapshot() {
        Map<String, Object> last = new HashMap<>();
        lastUnavailable.forEach((user, l) -> last.put(user.toString(), List.of(l.presence(), l.at().toEpochMilli())));
        return Map.of("format", HANDOFF_FORMAT,
                "interested", List.copyOf(interested),
                "announced", List.copyOf(announced.keySet()),
                "broadcast", broadcastPresences(),
                "blockListInterested", List.copyOf(blocking.interested),
                "lastUnavailable", last);
    }
}
