package org.parley.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Services by key (a namespace, a domain, a component name) that stand in for one another across
 * a live upgrade: while the one for a key is gone for less than the grace period, work for it
 * waits for its successor instead of failing, and gets the successor when it arrives.
 *
 * <p>{@link #await} answers at once when the service is there, and with null (not there, and not
 * expected) when it never was or has been gone longer than the grace period. Only within the grace
 * period after a departure does it answer later: with the successor, or with null when the grace
 * period ends first. A key's grace period runs from its departure, so a burst of work during a
 * swap all goes to the successor and nothing waits longer than the grace period.
 *
 * @param <K> the key
 * @param <V> the service
 */
public final class Standby<K, V> {
    private final Map<K, V> present = new ConcurrentHashMap<>();
    /** Keys gone within the grace period, with their departure time and the work waiting. */
    private final Map<K, Gap<V>> gaps = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final LongSupplier graceMillis;
    /** Work that had to wait for a successor (see {@link #held()}). */
    private final LongAdder held = new LongAdder();

    private static final class Gap<V> {
        final List<CompletableFuture<V>> waiting = new ArrayList<>(2);
        boolean closed;
        /** Set while the successor is being given the waiting work: the grace period can no longer end it with null. */
        volatile V successor;
        /**
         * The thread giving the waiting work to the successor: work it runs there (a held
         * delivery looking the service up again) is in turn already and sees the successor.
         */
        volatile Thread handingOver;
    }

    /** The successor, to the thread handing the waiting work over to it; else null. */
    private static <V> V successorFor(Gap<V> gap) {
        return gap != null && gap.handingOver == Thread.currentThread() ? gap.successor : null;
    }

    /**
     * @param timer ends grace periods
     * @param graceMillis read at each departure, so a configuration change applies to the next one
     */
    public Standby(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.timer = timer;
        this.graceMillis = graceMillis;
    }

    /** The service for the key now, or null. */
    public V current(K key) {
        V value = present.get(key);
        return value != null ? value : successorFor(gaps.get(key));
    }

    /**
     * Makes {@code value} the key's service and gives it the work that waited for the key.
     * A service arriving for a key that never departed starts no grace logic.
     */
    public void arrived(K key, V value) {
        Gap<V> gap = gaps.get(key);
        if (gap == null) {
            present.put(key, value);
            return;
        }
        // The work that waited goes to the successor first, in the order it came, and work that
        // other threads bring meanwhile queues behind it; their lookups find the successor only
        // once the queue is empty. Published first, a message routed during the hand-over could
        // overtake messages the same sender sent before it. What the waiting work itself looks
        // up again, on this thread, gets the successor at once (see Gap.handingOver).
        while (true) {
            List<CompletableFuture<V>> batch;
            synchronized (gap) {
                if (gap.closed && gap.successor == null) {
                    present.put(key, value); // the grace period ended just before: nothing waits
                    break;
                }
                gap.successor = value;
                gap.handingOver = Thread.currentThread();
                if (gap.waiting.isEmpty()) {
                    present.put(key, value);
                    gap.closed = true;
                    gap.handingOver = null;
                    break;
                }
                batch = new ArrayList<>(gap.waiting);
                gap.waiting.clear();
            }
            for (CompletableFuture<V> w : batch) {
                w.complete(value);
            }
        }
        gaps.remove(key, gap);
    }

    /**
     * The key's service left (if {@code value} is still the key's service); its grace period starts.
     *
     * @return true when it was the key's service
     */
    public boolean departed(K key, V value) {
        if (!present.remove(key, value)) {
            return false;
        }
        startGrace(key);
        return true;
    }

    /**
     * Expects a service for a key that has none yet (its owner starts before it): work for the key
     * waits for it for the grace period, as after a departure.
     */
    public void expect(K key) {
        if (!present.containsKey(key) && !gaps.containsKey(key)) {
            startGrace(key);
        }
    }

    private void startGrace(K key) {
        long grace = graceMillis.getAsLong();
        if (grace <= 0) {
            return;
        }
        Gap<V> gap = new Gap<>();
        gaps.put(key, gap);
        try {
            timer.schedule(() -> endGrace(key, gap), grace, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The owner is stopping (its services are unbound after its timer stopped): no grace.
            endGrace(key, gap);
        }
    }

    /** Makes a key absent without a grace period (its service was replaced under another key, or removed for good). */
    public void forget(K key) {
        present.remove(key);
        Gap<V> gap = gaps.get(key);
        if (gap != null) {
            close(key, gap);
        }
    }

    /**
     * The key's service: now, or when its successor arrives within the grace period.
     *
     * @return a stage completing with the service, or with null when there is none to wait for
     */
    public CompletionStage<V> await(K key) {
        V value = present.get(key);
        if (value != null) {
            return CompletableFuture.completedFuture(value);
        }
        Gap<V> gap = gaps.get(key);
        if (gap == null) {
            return CompletableFuture.completedFuture(null);
        }
        V successor = successorFor(gap);
        if (successor != null) {
            return CompletableFuture.completedFuture(successor);
        }
        CompletableFuture<V> waiter = new CompletableFuture<>();
        synchronized (gap) {
            if (!gap.closed) {
                gap.waiting.add(waiter);
                // arrived() may have run between the lookups: check again under the gap's lock
                V now = present.get(key);
                if (now == null) {
                    held.increment();
                    return waiter;
                }
                gap.waiting.remove(waiter);
                return CompletableFuture.completedFuture(now);
            }
        }
        return CompletableFuture.completedFuture(present.get(key));
    }

    /**
     * How many times since this was made work had to wait for a successor ({@link #await} did not
     * answer at once): what an upgrade held instead of refusing. Cheap to read, never blocks.
     */
    public long held() {
        return held.sum();
    }

    /** True while the key is within its grace period. */
    public boolean isWaiting(K key) {
        return gaps.containsKey(key);
    }

    /** True while any key is within its grace period with no successor yet. */
    public boolean isAnyWaiting() {
        for (Gap<V> gap : gaps.values()) {
            if (gap.successor == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Completes once every key now within its grace period has its successor or has run out of
     * grace (at once when none is): for work that needs all of a kind of service, whichever of
     * them is being replaced (every password authenticator, every user directory).
     */
    public CompletionStage<Void> awaitAll() {
        List<CompletableFuture<V>> waits = new ArrayList<>();
        gaps.forEach((key, gap) -> {
            if (gap.successor == null) { // one being handed over is there already
                waits.add(await(key).toCompletableFuture());
            }
        });
        if (waits.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).handle((v, e) -> null);
    }

    private void endGrace(K key, Gap<V> gap) {
        close(key, gap);
    }

    /** Ends a gap: what waits gets null, unless a successor is being given it (then it gets that). */
    private void close(K key, Gap<V> gap) {
        List<CompletableFuture<V>> waiting;
        synchronized (gap) {
            if (gap.successor != null || gap.closed) {
                return;
            }
            gap.closed = true;
            waiting = new ArrayList<>(gap.waiting);
            gap.waiting.clear();
            gaps.remove(key, gap);
        }
        for (CompletableFuture<V> w : waiting) {
            w.complete(null);
        }
    }

    /** Ends every grace period now (the owner is stopping): waiting work gets null. */
    public void closeAll() {
        for (K key : List.copyOf(gaps.keySet())) {
            Gap<V> gap = gaps.get(key);
            if (gap != null) {
                close(key, gap);
            }
        }
    }
}
