package org.parley.ldap.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.parley.api.server.WorkerPool;

/** A worker pool as the server's: work runs on other threads; counts what it was given. */
final class TestWorkers implements WorkerPool, AutoCloseable {
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    final AtomicInteger submitted = new AtomicInteger();

    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        submitted.incrementAndGet();
        CompletableFuture<T> f = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
