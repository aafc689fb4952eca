package org.parley.api.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands for the server bundle's worker pool in feature bundles' unit tests (in the api's test
 * jar): blocking work runs on threads of its own, as in the server, so a test sees the same
 * thread hops; it counts what it was given, and refuses work as a full pool does while
 * {@link #full} is set.
 */
public final class TestWorkers implements WorkerPool, AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
    });
    public final AtomicInteger submitted = new AtomicInteger();
    public volatile boolean full;

    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        if (full) {
            return CompletableFuture.failedFuture(new WorkRejectedException("the worker pool is full"));
        }
        submitted.incrementAndGet();
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /**
     * Lets work already submitted finish: interrupting a thread inside H2 closes the database's
     * file channel (ClosedByInterruptException), which fails the next test's shutdown.
     */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
