package org.parley.muc.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.parley.api.server.WorkerPool;

/** Stands for the server bundle's pool: blocking work on threads of its own. */
final class Workers implements WorkerPool, AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
