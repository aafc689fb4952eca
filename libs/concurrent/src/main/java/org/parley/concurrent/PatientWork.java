package org.parley.concurrent;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;

/**
 * Blocking work that must not be refused, on the shared pool: when the pool is full, it is offered
 * again after a short pause (doubling up to half a second) until the pool takes it or a deadline
 * passes, rather than failing at once. For work a stanza already accepted depends on and that is
 * coalesced per user (a user's privacy lists are read once for every stanza that waits for them),
 * so what waits here is bounded by the number of users, not by the number of stanzas: a flood of
 * requests still meets the pool's bound, which the server keeps as its back-pressure. Used by the
 * roster's privacy look-ups and the offline bundle's delivery at sign-in.
 */
public final class PatientWork implements WorkerPool {
    static final long FIRST_PAUSE_MILLIS = 5;
    static final long LONGEST_PAUSE_MILLIS = 500;

    private final WorkerPool workers;
    private final long patienceNanos;
    private final BooleanSupplier stopped;

    /**
     * @param patienceMillis how long work waits for room before it fails as the pool failed it
     * @param stopped true once the owner stopped: work still waiting fails then (the successor reads again)
     */
    public PatientWork(WorkerPool workers, long patienceMillis, BooleanSupplier stopped) {
        this.workers = workers;
        this.patienceNanos = TimeUnit.MILLISECONDS.toNanos(patienceMillis);
        this.stopped = stopped;
    }

    /** As {@link WorkerPool#submit}, but a full pool delays the work instead of refusing it (within the patience). */
    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        offer(work, result, System.nanoTime() + patienceNanos, FIRST_PAUSE_MILLIS);
        return result;
    }

    private <T> void offer(Callable<T> work, CompletableFuture<T> result, long deadline, long pause) {
        workers.submit(work).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (!(cause instanceof WorkRejectedException) || stopped.getAsBoolean() || System.nanoTime() - deadline > 0) {
                result.completeExceptionally(cause);
                return;
            }
            later(pause).execute(() -> {
                if (stopped.getAsBoolean()) {
                    result.completeExceptionally(cause); // stopped during the pause: not run once the pool has room
                } else {
                    offer(work, result, deadline, Math.min(pause * 2, LONGEST_PAUSE_MILLIS));
                }
            });
        });
    }

    /** The JDK's shared delay scheduler: the pause holds no thread and no pool slot. */
    private static Executor later(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    }
}
