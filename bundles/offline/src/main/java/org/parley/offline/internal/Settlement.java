package org.parley.offline.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles what delivery leaves to do, in batches: rows whose receipt said received are deleted,
 * marks of rows whose receipt said otherwise are changed, rows delivered to sessions that ended
 * are deleted.
 *
 * <p>Why batches: a user signing in to 10,000 stored messages gets 10,000 receipts within a second
 * or two. One task per receipt on the shared, bounded worker pool was refused by the thousand
 * ("pool is full"), and every refused one left a received row stored, to be delivered again at
 * the next sign-in. Here a receipt only queues its row; one drain task at a time (never one per
 * receipt) takes up to {@value #BATCH} queued items, groups them by user and settles each user's
 * share in one transaction with one {@code DELETE ... WHERE id IN (...)}. A drain the pool
 * refuses loses nothing: the items stay queued, and the next item queued or a retry a second
 * later ({@link #RETRY_MILLIS}) submits it again.
 *
 * <p>Safety is unchanged: only a receipt that completed true queues a delete; a crash loses the
 * queue, which leaves rows stored (delivered again: at least once), never deletes one. A drain
 * whose transaction fails leaves its rows too, and says so.
 */
final class Settlement {
    private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
    /** Items settled per transaction round: at most this many ids in one user's {@code IN} list. */
    static final int BATCH = OfflineStore.MAX_IN;
    static final long RETRY_MILLIS = 1000;

    /** One thing to settle for a user. */
    sealed interface Item {
        String username();
    }

    /** The row's receipt said received: delete it. */
    record Received(String username, long id) implements Item {
    }

    /** Change the row's mark if it still has the expected one; {@code redeliver}: what waits goes again at once if it changed. */
    record Remark(String username, OfflineStore.Remark remark, boolean redeliver) implements Item {
    }

    /** The session ended: rows delivered to it without a receipt are received. */
    record Ended(String username, String session) implements Item {
    }

    private final OfflineStore store;
    private final WorkerPool workers;
    /** A user whose row went back to waiting and who should get it again now. */
    private final Consumer<String> redeliver;
    private final Executor retryTimer;
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    /** Set while a drain is submitted or running: there is never more than one. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private volatile boolean closed;
    /**
     * Rows received and sessions ended, queued or being settled: a delivery pass meanwhile (the
     * user signs in again at once) must not take those rows for undelivered and send them again.
     */
    private final Set<Long> receivedPending = ConcurrentHashMap.newKeySet();
    private final Set<String> endedPending = ConcurrentHashMap.newKeySet();

    Settlement(OfflineStore store, WorkerPool workers, Consumer<String> redeliver) {
        this(store, workers, redeliver, CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS));
    }

    Settlement(OfflineStore store, WorkerPool workers, Consumer<String> redeliver, Executor retryTimer) {
        this.store = store;
        this.workers = workers;
        this.redeliver = redeliver;
        this.retryTimer = retryTimer;
    }

    void add(Item item) {
        track(item);
        queue.add(item);
        schedule();
    }

    void addAll(List<? extends Item> items) {
        items.forEach(this::track);
        queue.addAll(items);
        schedule();
    }

    private void track(Item item) {
        if (item instanceof Received r) {
            receivedPending.add(r.id());
        } else if (item instanceof Ended e) {
            endedPending.add(e.session());
        }
    }

    /** The row's receipt said received and its deletion is pending: it is not to be delivered again. */
    boolean receivedPending(long id) {
        return receivedPending.contains(id);
    }

    /** Sessions whose end is not settled yet: their rows are theirs, not waiting. */
    Set<String> endedPending() {
        return Set.copyOf(endedPending);
    }

    /** Items queued and not yet taken by a drain, for tests and the upgrade's handoff. */
    int pending() {
        return queue.size();
    }

    private void schedule() {
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        workers.submit(() -> {
            drain();
            return null;
        }).whenComplete((x, e) -> {
            draining.set(false);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WorkRejectedException) {
                retryLater();
                return;
            }
            if (cause != null) {
                LOG.error("Settling delivered offline messages failed", cause);
            }
            // An item queued while this drain was finishing found it still running and did not submit one.
            schedule();
        });
    }

    private void retryLater() {
        if (closed || !retryPending.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("The worker pool refused to settle {} offline item(s) now; retrying in {} ms", queue.size(), RETRY_MILLIS);
        retryTimer.execute(() -> {
            retryPending.set(false);
            schedule();
        });
    }

    /** Settles everything queued, {@value #BATCH} items a round, each user's share of a round in one transaction. */
    private void drain() {
        List<Item> round = new ArrayList<>(BATCH);
        while (true) {
            round.clear();
            Item item;
            while (round.size() < BATCH && (item = queue.poll()) != null) {
                round.add(item);
            }
            if (round.isEmpty()) {
                return;
            }
            Map<String, List<Item>> byUser = new LinkedHashMap<>();
            for (Item i : round) {
                byUser.computeIfAbsent(i.username(), u -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Item>> e : byUser.entrySet()) {
                settle(e.getKey(), e.getValue());
            }
        }
    }

    private void settle(String username, List<Item> items) {
        List<OfflineStore.Remark> remarks = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        boolean redeliverIfChanged = false;
        for (Item i : items) {
            if (i instanceof Received r) {
                received.add(r.id());
            } else if (i instanceof Remark r) {
                remarks.add(r.remark());
                redeliverIfChanged |= r.redeliver();
            } else if (i instanceof Ended s) {
                ended.add(s.session());
            }
        }
        try {
            List<OfflineStore.Remark> changed;
            try {
                changed = store.settle(username, remarks, received, ended);
            } finally {
                // Settled, or failed and left stored: from now on a delivery pass sees them as they are.
                received.forEach(receivedPending::remove);
                ended.forEach(endedPending::remove);
            }
            LOG.debug("Settled for {}: {} received, {} of {} mark(s) changed, {} ended session(s)", username, received.size(),
                    changed.size(), remarks.size(), ended.size());
            if (redeliverIfChanged && changed.stream().anyMatch(c -> c.mark() == null)) {
                redeliver.accept(username);
            }
        } catch (SQLException | RuntimeException e) {
            // Left stored: delivered again at the next sign-in, never lost.
            LOG.error("{} received offline message(s) of {} were not deleted (and {} mark(s), {} ended session(s) not settled); "
                    + "they stay stored and are delivered again", received.size(), username, remarks.size(), ended.size(), e);
        }
    }

    /**
     * The bundle stops (an upgrade): no more retries from here; what is still queued is returned
     * for the successor, which settles it (a drain running now finishes its round).
     */
    List<Item> close() {
        closed = true;
        List<Item> left = new ArrayList<>();
        Item item;
        while ((item = queue.poll()) != null) {
            left.add(item);
        }
        return left;
    }
}
