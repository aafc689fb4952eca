package org.parley.server.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WorkerPool}: a fixed number of threads and a bounded queue whose overflow fails the
 * caller's stage at once (on the model of auth's own pool), so a slow directory or database makes
 * callers answer "try later" instead of piling work up. Idle threads end after 30 s.
 */
@Component(service = WorkerPool.class, configurationPid = WorkersConfig.PID)
public final class SharedWorkerPool implements WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWorkerPool.class);

    /** More threads than this is a misconfiguration: each takes a stack, and the work they wait on has its own limits. */
    static final int MAX_THREADS = 10_000;
    /** The queue is an array allocated at start: a size near Integer.MAX_VALUE would fail the pool with OutOfMemoryError. */
    static final int MAX_QUEUE_SIZE = 1_000_000;

    private final ThreadPoolExecutor pool;

    @Activate
    public SharedWorkerPool(WorkersConfig config) {
        int threads = Math.max(1, Math.min(MAX_THREADS, config.threads()));
        int queue = Math.max(1, Math.min(MAX_QUEUE_SIZE, config.queueSize()));
        if (threads != config.threads() || queue != config.queueSize()) {
            LOG.error("{}: key 'threads' must be 1 to {} and key 'queueSize' 1 to {} (got {} and {}); using {} and {}",
                    WorkersConfig.PID, MAX_THREADS, MAX_QUEUE_SIZE, config.threads(), config.queueSize(), threads, queue);
        }
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                new NamedThreads(), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** Thread count changes apply at once; the queue size needs a restart of this bundle (the queue is fixed). */
    @Modified
    void modified(WorkersConfig config) {
        if (config.threads() < 1 || config.threads() > MAX_THREADS) {
            LOG.error("{}: key 'threads' must be 1 to {}, got {}; keeping {}", WorkersConfig.PID, MAX_THREADS, config.threads(),
                    pool.getMaximumPoolSize());
            return;
        }
        if (config.threads() >= pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(config.threads());
            pool.setCorePoolSize(config.threads());
        } else {
            pool.setCorePoolSize(config.threads());
            pool.setMaximumPoolSize(config.threads());
        }
    }

    @Override
    public <T> CompletionStage<T> submit(Callable<T> work) {
        Task<T> task = new Task<>(Objects.requireNonNull(work, "work"));
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new WorkRejectedException(pool.isShutdown()
                    ? "the worker pool is stopping" : "the worker pool is full (" + pool.getQueue().size() + " tasks waiting)"));
        }
        return task.result;
    }

    /**
     * Queued work fails at once (its callers answer "try later"); running work gets 5 s to finish
     * and is never interrupted: an interrupt inside the embedded H2 database closes its file for
     * every bundle (ClosedByInterruptException).
     */
    @Deactivate
    void deactivate() {
        pool.shutdown();
        List<Runnable> queued = new java.util.ArrayList<>();
        pool.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof Task<?> task) {
                task.result.completeExceptionally(new WorkRejectedException("the worker pool is stopping"));
            }
        }
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Worker threads still busy 5 s after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int queuedTasks() {
        return pool.getQueue().size();
    }

    @Override
    public int busyThreads() {
        return pool.getActiveCount();
    }

    /** The thread limit in force (tests). */
    int threads() {
        return pool.getMaximumPoolSize();
    }

    /** The queue's capacity in force (tests). */
    int queueCapacity() {
        return pool.getQueue().remainingCapacity() + pool.getQueue().size();
    }

    private static final class Task<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Callable<T> work;

        Task(Callable<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "parley-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
