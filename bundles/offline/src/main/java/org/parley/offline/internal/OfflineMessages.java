package org.parley.offline.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.offline.OfflineMessageListener;
import org.parley.api.offline.OfflineMessageStored;
import org.parley.api.offline.OfflineStatistics;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.PatientWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline messages (XEP-0160), without the OSGi wiring: stores what routing could not deliver,
 * delivers it when the user becomes available, and deletes it once the client surely has it.
 *
 * <p>When a message counts as received: each is delivered with a receipt
 * ({@link Session#deliverWithReceipt}), which the core completes when the client acknowledged it
 * (XEP-0198) or, without stream management, answered a ping sent after it. The row, marked as
 * awaiting that receipt, is then deleted (in a batch with others, see {@link Settlement}); a receipt that fails (the session ended or lost its
 * connection first) clears the mark, and the message is delivered again. A message that a session
 * hands back to the undeliverable hook (XEP-0198 section 4) un-marks its row instead of being
 * stored a second time. Where the session cannot tell (a session core upgraded meanwhile, a
 * session provider without receipts), the row is deleted when that session ends, as before
 * receipts existed. A crash leaves the rows, which are delivered again: at least once, never lost.
 */
final class OfflineMessages {
    private static final Logger LOG = LoggerFactory.getLogger(OfflineMessages.class);
    static final String DELAY = "urn:xmpp:delay";
    static final String HINTS = "urn:xmpp:hints";
    static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Boolean> DISCARDED = CompletableFuture.completedFuture(true);

    private final OfflineStore store;
    private final WorkerPool workers;
    private final Supplier<DomainBareJid> domain;
    private final Supplier<SessionRegistry> registry;
    private final Supplier<Collection<OfflineMessageListener>> listeners;
    private final Supplier<StanzaRouter> router;
    private final Clock clock;
    /** Set when a delivery waited for want of routing: its return delivers to the users online. */
    private volatile boolean deferred;
    private volatile Quota quota;
    /** Receipts and session ends, settled in batches by one drain at a time. */
    private final Settlement settlement;
    /** Sessions that asked for XEP-0013 retrieval: their presence brings no flood (XEP-0013 section 3). */
    private final Set<String> flexible = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * How long a delivery waits for room when the full worker pool refuses it (a burst of sign-ins
     * fills it): the user is online and should not have to send presence again to get what waits.
     * After that it waits for the next presence, as before.
     */
    static final long PATIENCE_MILLIS = 60_000;
    /** Set when the component stops: a delivery still waiting for room then gives up (the successor delivers to the users online). */
    private volatile boolean closed;
    /** Deliveries at sign-in: they wait for room in a full pool, within {@link #PATIENCE_MILLIS}. */
    private final PatientWork patientWorkers;

    /**
     * @param router asked, at delivery, whether the recipient's policies still admit each message
     *     and what its session's delivery filters make of it; null while routing is away
     */
    OfflineMessages(OfflineStore store, WorkerPool workers, Supplier<DomainBareJid> domain, Supplier<SessionRegistry> registry,
            Supplier<Collection<OfflineMessageListener>> listeners, Supplier<StanzaRouter> router, Clock clock, Quota quota) {
        this.store = store;
        this.router = router;
        this.workers = workers;
        this.domain = domain;
        this.registry = registry;
        this.listeners = listeners;
        this.clock = clock;
        this.quota = quota;
        this.patientWorkers = new PatientWork(workers, PATIENCE_MILLIS, () -> closed);
        this.settlement = new Settlement(store, workers,
                username -> deliverPending(JidCreate.entityBareFromOrThrowUnchecked(username + "@" + domain.get())));
    }

    void quota(Quota newQuota) {
        this.quota = newQuota;
    }

    Quota quota() {
        return quota;
    }

    // ---- storing ----

    /** What the store holds, read on the worker pool. */
    CompletionStage<OfflineStatistics.Size> size() {
        return workers.submit(() -> {
            long[] size = store.size();
            return new OfflineStatistics.Size(size[0], size[1]);
        });
    }

    /**
     * Stores a message for an account without an available resource; completes with true once it
     * is committed, false when it must not be stored (its type, a no-store hint, the quota), so
     * routing answers the sender.
     */
    CompletionStage<Boolean> undeliverable(Stanza message, EntityBareJid account) {
        if (!isStorableType(message) || hasHint(message, "no-store") || !account.asDomainBareJid().equals(domain.get())) {
            return NO;
        }
        if (isStandaloneChatState(message)) {
            // XEP-0085 section 5.8: a chat state alone is not kept for later, and is no error either.
            return DISCARDED;
        }
        long now = clock.millis();
        boolean returning = hasOwnDelay(message);
        Stanza stamped = returning ? withoutFlexibleMark(message) : stamped(message, now);
        String xml = StanzaCodec.encode(stamped);
        int bytes = xml.getBytes(StandardCharsets.UTF_8).length;
        String username = account.getLocalpart().toString();
        Quota limit = quota;
        String sender = message.from() == null ? null : message.from().toString();
        return workers.submit(() -> store.store(username, sender, xml, bytes, now, limit, returning)).thenApply(stored -> {
            if (!stored.taken()) {
                LOG.info("Offline storage of {} is full ({} messages; limit {} messages, {} bytes): a message from {} is refused",
                        account, stored.waiting(), limit.maxMessages(), limit.maxBytes(), message.from());
                return false;
            }
            if (stored.inserted()) {
                publish(new OfflineMessageStored(account, message.from(), stamped, Instant.ofEpochMilli(now), stored.waiting()));
            }
            if (hasReceivingSession(account)) {
                // It became available while this was being stored: it must not wait for its next presence.
                deliverPending(account);
            }
            return true;
        });
    }

    /** Chat and normal messages are the ones XEP-0160 keeps; groupchat, headline and error are not. */
    static boolean isStorableType(Stanza message) {
        if (message.kind() != Stanza.Kind.MESSAGE || message.isError()) {
            return false;
        }
        String type = message.type();
        return type == null || "normal".equals(type) || "chat".equals(type);
    }

    /** A XEP-0334 processing hint ({@code no-store}, {@code store}). */
    static boolean hasHint(Stanza message, String hint) {
        return message.element().child(hint, HINTS) != null;
    }

    /** A message that carries nothing but chat states (and a thread): typing notifications. */
    static boolean isStandaloneChatState(Stanza message) {
        boolean chatState = false;
        for (Element e : message.element().elements()) {
            if (e.namespace().equals(CHAT_STATES)) {
                chatState = true;
            } else if (!e.name().equals("thread")) {
                return false;
            }
        }
        return chatState && !hasHint(message, "store");
    }

    /** Stamped by this server already: it was stored before and comes back from a session that never acknowledged it. */
    private boolean hasOwnDelay(Stanza message) {
        String own = domain.get().toString();
        for (Element e : message.element().elements()) {
            if (e.is("delay", DELAY) && own.equals(e.attribute("from"))) {
                return true;
            }
        }
        return false;
    }

    /** A message handed back after a XEP-0013 view: without the node mark it is again exactly what is stored. */
    private static Stanza withoutFlexibleMark(Stanza message) {
        Element e = message.element();
        if (e.child("offline", FlexibleRetrieval.NAMESPACE) == null) {
            return message;
        }
        Element.Builder b = Element.builder(e.name(), e.namespace());
        for (int i = 0; i < e.attributeCount(); i++) {
            b.attribute(e.attributeName(i), e.attributeValue(i));
        }
        for (var child : e.children()) {
            if (!(child instanceof Element c && c.is("offline", FlexibleRetrieval.NAMESPACE))) {
                b.child(child);
            }
        }
        return Stanza.create(b.build());
    }

    /** XEP-0203: who delayed it (this server) and since when; XEP-0160 section 4 asks for it. */
    private Stanza stamped(Stanza message, long now) {
        Element delay = Element.builder("delay", DELAY).attribute("from", domain.get().toString())
                .attribute("stamp", Instant.ofEpochMilli(now).toString()).text("Offline Storage").build();
        return Stanza.create(message.element().toBuilder().child(delay).build());
    }

    private void publish(OfflineMessageStored event) {
        Collection<OfflineMessageListener> all = listeners.get();
        if (all.isEmpty()) {
            return;
        }
        // On a thread of its own: the sender's stage has completed, and a slow listener delays no one.
        workers.submit(() -> {
            for (OfflineMessageListener l : all) {
                try {
                    l.stored(event);
                } catch (RuntimeException e) {
                    LOG.error("Offline message listener {} failed on a message for {}", l.getClass().getName(), event.recipient(), e);
                }
            }
            return null;
        }).exceptionally(e -> {
            LOG.warn("Offline message listeners were not told of a message for {}: {}", event.recipient(), e.toString());
            return null;
        });
    }

    // ---- delivering ----

    /**
     * A session became available or changed its presence: with a non-negative priority it gets what
     * waits (XEP-0160 section 2: the resource that sent the presence).
     */
    void presence(Session session) {
        if (session.isAvailable() && session.priority() >= 0 && !flexible.contains(key(session))) {
            submitDelivery(session.bareJid(), session.id());
        }
    }

    /**
     * A session ended: what was delivered to it without a receipt (see the class comment) and not
     * handed back is received. Rows awaiting a receipt are settled by it.
     */
    void ended(Session session) {
        String key = key(session);
        flexible.remove(key);
        // Queued behind the receipts this session gave before it ended, so a receipt that failed
        // (its row then marked as delivered to the session) is settled first and the end takes that row too.
        settlement.add(new Settlement.Ended(session.bareJid().getLocalpart().toString(), key));
    }

    /** Delivers what waits for a user to its receiving resource, on the worker pool. @return how many were delivered */
    CompletionStage<Integer> deliverPending(EntityBareJid user) {
        return submitDelivery(user, null);
    }

    private CompletionStage<Integer> submitDelivery(EntityBareJid user, String preferredSession) {
        return patientWorkers.submit(() -> deliverNow(user, preferredSession)).whenComplete((n, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WorkRejectedException) {
                LOG.warn("Offline messages for {} could not be delivered: the worker pool {}; they wait for the next presence", user,
                        closed ? "was full when this component stopped" : "stayed full for " + PATIENCE_MILLIS / 1000 + " s");
            } else if (e != null) {
                LOG.error("Offline messages for {} could not be delivered now; they wait for the next presence", user, e);
            }
        });
    }

    /** The component stops: deliveries still waiting for room give up. */
    void close() {
        closed = true;
    }

    /** At start (a restart or an upgrade of this bundle): users online now get what waits for them. */
    CompletionStage<Integer> deliverToOnlineUsers() {
        return workers.submit(() -> {
            SessionRegistry r = registry.get();
            if (r == null) {
                return 0;
            }
            int delivered = 0;
            for (String username : store.usersWithMessages()) {
                EntityBareJid user = JidCreate.entityBareFrom(username + "@" + domain.get());
                if (hasReceivingSession(user)) {
                    delivered += deliverNow(user, null);
                }
            }
            return delivered;
        });
    }

    private boolean hasReceivingSession(EntityBareJid user) {
        SessionRegistry r = registry.get();
        return r != null && receiver(r.sessions(user), flexible) != null;
    }

    /**
     * Marks what waits as delivered to the session that should receive it, then delivers it, in
     * arrival order. Under the user's lock, so two passes never deliver one message twice.
     *
     * @param preferredSession the id of the session that sent presence, which gets them if it still can; else the receiver
     */
    private int deliverNow(EntityBareJid user, String preferredSession) throws SQLException {
        String username = user.getLocalpart().toString();
        ReentrantLock lock = store.lockOf(username);
        lock.lock();
        try {
            SessionRegistry r = registry.get();
            if (r == null) {
                return 0;
            }
            List<Session> sessions = r.sessions(user);
            Session target = null;
            for (Session s : sessions) {
                if (s.id().equals(preferredSession) && s.isAvailable() && s.priority() >= 0 && !flexible.contains(key(s))) {
                    target = s;
                }
            }
            if (target == null) {
                target = receiver(sessions, flexible);
            }
            if (target == null) {
                return 0;
            }
            Set<String> live = new HashSet<>();
            for (Session s : sessions) {
                live.add(key(s));
                live.add(awaitingReceipt(s));
            }
            live.addAll(settlement.endedPending());
            List<OfflineStore.Row> rows = store.undelivered(username, live);
            rows.removeIf(row -> settlement.receivedPending(row.id()));
            if (rows.isEmpty()) {
                return 0;
            }
            List<Long> ids = new ArrayList<>(rows.size());
            List<Stanza> messages = new ArrayList<>(rows.size());
            for (OfflineStore.Row row : rows) {
                try {
                    messages.add(StanzaCodec.decode(row.stanza()));
                    ids.add(row.id());
                } catch (IllegalArgumentException e) {
                    LOG.error("Offline message {} for {} cannot be read and stays stored: {}", row.id(), user, e.getMessage());
                }
            }
            store.markDelivered(ids, awaitingReceipt(target));
            StanzaRouter policies = router.get();
            if (policies == null) {
                // Fail closed: unchecked against the user's block list they do not go; routing's return delivers them.
                deferred = true;
                for (long id : ids) {
                    store.remark(id, awaitingReceipt(target), null);
                }
                LOG.info("{} offline message(s) for {} wait for routing, which is away (being upgraded?)", ids.size(), user);
                return 0;
            }
            // Asked again now, as for a message arriving now: a block placed since a message was stored withholds it.
            List<CompletableFuture<Boolean>> admitted = new ArrayList<>(messages.size());
            boolean decided = true;
            for (Stanza m : messages) {
                CompletableFuture<Boolean> f = admits(policies, m, user);
                admitted.add(f);
                decided &= f.isDone();
            }
            if (decided) {
                return hand(user, target, policies, ids, messages, admitted);
            }
            // A policy answers later (a block list being read): all of them first, then delivery in arrival order.
            Session receiver = target;
            CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).handle((x, e) -> null)
                    .thenCompose(x -> workers.submit(() -> {
                        lock.lock();
                        try {
                            return hand(user, receiver, policies, ids, messages, admitted);
                        } finally {
                            lock.unlock();
                        }
                    })).whenComplete((n, e) -> {
                        if (e != null) {
                            LOG.error("Offline messages for {} could not be delivered now; they wait for the next presence", user, e);
                        }
                    });
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    private static CompletableFuture<Boolean> admits(StanzaRouter policies, Stanza message, EntityBareJid user) {
        try {
            return policies.admits(message, user).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Under the user's lock, with every policy's answer in: delivers in arrival order what the
     * policies admit, through the session's delivery filters; deletes what they refuse now (the
     * user blocked the sender since: XEP-0191 says nothing of theirs reaches the user, and the
     * sender was answered long ago); what no policy could decide waits for the next presence.
     */
    private int hand(EntityBareJid user, Session target, StanzaRouter policies, List<Long> ids, List<Stanza> messages,
            List<CompletableFuture<Boolean>> admitted) throws SQLException {
        String username = user.getLocalpart().toString();
        List<Long> withoutReceipt = new ArrayList<>();
        int delivered = 0;
        int undecided = 0;
        for (int i = 0; i < messages.size(); i++) {
            long id = ids.get(i);
            Boolean admits = verdict(admitted.get(i));
            if (admits == null) {
                undecided++;
                store.remark(id, awaitingReceipt(target), null);
                continue;
            }
            if (!admits) {
                store.delete(username, id);
                LOG.info("Offline message {} for {} from {} is withheld and deleted: the user's policy (a block placed since it was "
                        + "stored) refuses it now", id, user, messages.get(i).from());
                continue;
            }
            Stanza filtered = policies.filter(messages.get(i), target);
            delivered++;
            if (filtered == null) {
                withoutReceipt.add(id); // a filter took it (to deliver later) or withheld it: settled when the session ends
                continue;
            }
            Session receiver = target;
            CompletableFuture<Boolean> receipt = target.deliverWithReceipt(filtered).toCompletableFuture();
            if (receipt.isCompletedExceptionally()) {
                withoutReceipt.add(id); // a session that gives none: marked now, before its end can be heard
            } else {
                receipt.whenComplete((received, failure) -> settle(user, id, receiver, received, failure));
            }
        }
        store.markDelivered(withoutReceipt, key(target));
        if (undecided > 0) {
            LOG.warn("{} offline message(s) for {} could not be checked against the user's policies now; they wait for the next presence",
                    undecided, user);
        }
        LOG.debug("Delivered {} offline message(s) to {}", delivered, target.jid());
        return delivered;
    }

    /** True or false as the policies answered; null when none could decide. A router without policies admits everything. */
    private static Boolean verdict(CompletableFuture<Boolean> answer) {
        try {
            return answer.join();
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() instanceof UnsupportedOperationException ? Boolean.TRUE : null;
        } catch (java.util.concurrent.CancellationException e) {
            return null;
        }
    }

    /**
     * XEP-0013 retrieval: delivers the kept messages a session asked for, each as a message
     * arriving now would be (the recipient's policies, then the session's filters), then answers
     * the request. One a policy refuses now is deleted; one no policy could decide stays stored.
     */
    CompletionStage<Stanza> deliverAsked(Stanza iq, Session origin, List<OfflineStore.Row> rows,
            java.util.function.Function<OfflineStore.Row, Stanza> form) {
        StanzaRouter policies = router.get();
        if (policies == null) {
            return CompletableFuture.completedFuture(iq.errorReply(org.parley.api.stanza.StanzaErrorCondition.SERVICE_UNAVAILABLE,
                    "routing is being upgraded; try again in a few seconds"));
        }
        EntityBareJid user = origin.bareJid();
        List<Stanza> messages = new ArrayList<>(rows.size());
        List<CompletableFuture<Boolean>> admitted = new ArrayList<>(rows.size());
        for (OfflineStore.Row row : rows) {
            Stanza m = form.apply(row);
            messages.add(m);
            admitted.add(admits(policies, m, user));
        }
        return CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).handle((x, e) -> null)
                .thenCompose(x -> workers.submit(() -> {
                    String username = user.getLocalpart().toString();
                    int undecided = 0;
                    for (int i = 0; i < messages.size(); i++) {
                        Boolean admits = verdict(admitted.get(i));
                        if (admits == null) {
                            undecided++;
                        } else if (!admits) {
                            store.delete(username, rows.get(i).id());
                            LOG.info("Offline message {} for {} from {} is withheld and deleted: the user's policy (a block placed since "
                                    + "it was stored) refuses it now", rows.get(i).id(), user, messages.get(i).from());
                        } else {
                            Stanza filtered = policies.filter(messages.get(i), origin);
                            if (filtered != null) {
                                origin.deliver(filtered);
                            }
                        }
                    }
                    if (undecided > 0) {
                        LOG.warn("{} offline message(s) {} asked for could not be checked against the user's policies now; they stay stored",
                                undecided, origin.jid());
                    }
                    return iq.resultReply(null);
                }));
    }

    /** Routing is back after a delivery waited for it: the users online get what waits. */
    void routingBack() {
        if (deferred) {
            deferred = false;
            deliverToOnlineUsers();
        }
    }

    /**
     * A delivered message's receipt came: received, it is deleted; not received, it waits again
     * (and goes at once to another resource that can take it); undecided, it is deleted when the
     * session ends, as {@link #ended} does for a session that gives no receipts.
     */
    private void settle(EntityBareJid user, long id, Session session, Boolean received, Throwable failure) {
        String username = user.getLocalpart().toString();
        String awaiting = awaitingReceipt(session);
        if (failure == null && received) {
            settlement.add(new Settlement.Received(username, id));
        } else if (failure == null) {
            LOG.debug("Offline message {} did not surely reach {}; it waits again", id, session.jid());
            settlement.add(new Settlement.Remark(username, new OfflineStore.Remark(id, awaiting, null), true));
        } else {
            LOG.debug("No receipt for offline message {} delivered to {} ({}); deleted when that session ends",
                    id, session.jid(), failure.getMessage());
            settlement.add(new Settlement.Remark(username, new OfflineStore.Remark(id, awaiting, key(session)), false));
        }
    }

    /** The mark of a row delivered to a session whose receipt is still to come. */
    static String awaitingReceipt(Session session) {
        return key(session) + "#receipt";
    }

    /**
     * When no resource just sent presence (a message stored as the user came online, a start):
     * the one a message to the bare JID would reach (RFC 6121 section 8.5.2.1), the available
     * resource of highest non-negative priority, a connected one before one waiting to be resumed.
     */
    static Session receiver(List<Session> sessions, Set<String> flexible) {
        Session best = null;
        for (Session s : sessions) {
            if (!s.isAvailable() || s.priority() < 0 || flexible.contains(key(s))) {
                continue;
            }
            if (best == null || s.priority() > best.priority()
                    || s.priority() == best.priority() && best.isDetached() && !s.isDetached()) {
                best = s;
            }
        }
        return best;
    }

    /**
     * A session as rows remember it: its id with the time it was bound, because ids are unique
     * only within one run of the server, and a row must not be taken for delivered to a session
     * of the next run that happens to get the same id.
     */
    static String key(Session session) {
        return session.id() + "/" + session.boundAt().toEpochMilli();
    }

    // ---- XEP-0013 flexible retrieval, for FlexibleRetrieval ----

    /** The session retrieves its messages itself from now on: no flood at its presence. */
    void flexible(Session session) {
        flexible.add(key(session));
    }

    /** The sessions (by {@link #key}) that retrieve their messages themselves, for the successor of an upgrade. */
    List<String> flexibleSessions() {
        return List.copyOf(flexible);
    }

    /** Marks handed over by the predecessor: those sessions keep retrieving for themselves. */
    void restoreFlexible(Collection<String> keys) {
        flexible.addAll(keys);
    }

    /** Forgets the marks of sessions that ended while no instance was listening (an upgrade). */
    void retainFlexible(Collection<Session> bound) {
        Set<String> live = new java.util.HashSet<>();
        for (Session s : bound) {
            live.add(key(s));
        }
        flexible.retainAll(live);
    }

    OfflineStore store() {
        return store;
    }

    Settlement settlement() {
        return settlement;
    }

    WorkerPool workers() {
        return workers;
    }
}
