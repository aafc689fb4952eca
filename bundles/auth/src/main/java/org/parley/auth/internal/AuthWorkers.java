package org.parley.auth.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of this bundle, shared by its components: a small bounded pool for blocking work
 * (credential lookups, PBKDF2) so callers on I/O threads never wait, and a timer for delayed
 * failure answers. A private service: its type is in a package no other bundle can import.
 */
@Component(service = AuthWorkers.class)
public final class AuthWorkers implements AutoCloseable {
    /** Enough to overlap a few database round trips; PBKDF2 is CPU-bound and gains nothing from more. */
    static final int THREADS = 4;
    /** Waiting tasks beyond this are refused at once (temporary-auth-failure) rather than queued for long. */
    static final int QUEUE = 256;

    private static final Logger LOG = LoggerFactory.getLogger(AuthWorkers.class);

    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    /** Delayed answers not yet given, with the action that gives them: given at once on stop. */
    private final Map<CompletableFuture<?>, Runnable> delayed = new ConcurrentHashMap<>();

    @Activate
    public AuthWorkers() {
        this(THREADS, QUEUE);
    }

    AuthWorkers(int threads, int queue) {
        workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                new NamedThreads("parley-auth-worker"), new ThreadPoolExecutor.AbortPolicy());
        workers.allowCoreThreadTimeOut(true); // an idle server keeps no threads
        timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("parley-auth-timer"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs blocking work on the pool. A full pool gives a stage failed with
     * RejectedExecutionException, which the callers answer with temporary-auth-failure.
     */
    <T> CompletableFuture<T> supply(Supplier<T> work) {
        Task<T> task = new Task<>(work);
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return task.result;
    }

    /** The timer, for stand-bys of other components of this bundle. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** A stage that completes with {@code value} after {@code delay}, without holding any thread meanwhile. */
    <T> CompletableFuture<T> delay(T value, Duration delay) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable answer = () -> {
            if (delayed.remove(result) != null) {
                result.complete(value);
            }
        };
        delayed.put(result, answer);
        try {
            timer.schedule(answer, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            answer.run();
        }
        return result;
    }

    /** Stops the threads: queued work fails (the bundle is going away), delayed answers are given now. */
    @Deactivate
    @Override
    public void close() {
        // Not shutdownNow: an interrupt inside the embedded H2 database closes its file for every bundle.
        workers.shutdown();
        List<Runnable> queued = new java.util.ArrayList<>();
        workers.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof Task<?> task) {
                task.result.completeExceptionally(new RejectedExecutionException("the auth bundle is stopping"));
            }
        }
        timer.shutdownNow();
        delayed.values().forEach(Runnable::run);
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Auth worker threads still busy 5 s after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A unit of work that knows its stage, so work drained at stop can be failed rather than lost. */
    private static final class Task<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<T> work;

        Task(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                result.complete(work.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
