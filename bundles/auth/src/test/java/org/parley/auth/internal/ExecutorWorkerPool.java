package org.parley.auth.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;

/**
 * A WorkerPool for tests (the real one is in the server bundle): runs work on its own threads,
 * or, when {@link #full} is set, refuses it as a full pool does.
 */
final class ExecutorWorkerPool implements WorkerPool, AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
    });
    volatile boolean full;

    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        if (full) {
            return CompletableFuture.failedFuture(new WorkRejectedException("the worker pool is full"));
        }
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

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
