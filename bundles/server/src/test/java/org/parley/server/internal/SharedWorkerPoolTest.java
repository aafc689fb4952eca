package org.parley.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.parley.api.server.WorkRejectedException;

class SharedWorkerPoolTest {
    static WorkersConfig config(int threads, int queue) {
        return new WorkersConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WorkersConfig.class;
            }

            @Override
            public int threads() {
                return threads;
            }

            @Override
            public int queueSize() {
                return queue;
            }
        };
    }

    @Test
    void workRunsOffTheCallersThreadAndCompletesTheStage() throws Exception {
        SharedWorkerPool pool = new SharedWorkerPool(config(2, 10));
        try {
            String thread = pool.submit(() -> Thread.currentThread().getName()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(true, thread.startsWith("parley-worker-"), thread);
        } finally {
            pool.deactivate();
        }
    }

    @Test
    void aFullQueueFailsTheStageAtOnceAndStoppingFailsQueuedWork() throws Exception {
        SharedWorkerPool pool = new SharedWorkerPool(config(1, 1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        pool.submit(() -> {
            started.countDown();
            return release.await(10, TimeUnit.SECONDS);
        });
        started.await(5, TimeUnit.SECONDS);
        CompletableFuture<String> queued = pool.submit(() -> "queued").toCompletableFuture();
        assertEquals(1, pool.busyThreads(), "monitoring sees the running task");
        assertEquals(1, pool.queuedTasks(), "and the one waiting");
        CompletableFuture<String> refused = pool.submit(() -> "refused").toCompletableFuture();
        ExecutionException full = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
        assertInstanceOf(WorkRejectedException.class, full.getCause());

        release.countDown();
        pool.deactivate();
        // the queued task either ran before the stop or was failed by it: it never hangs
        try {
            assertEquals("queued", queued.get(5, TimeUnit.SECONDS));
        } catch (ExecutionException stopped) {
            assertInstanceOf(WorkRejectedException.class, stopped.getCause());
        }
        ExecutionException afterStop = assertThrows(ExecutionException.class,
                () -> pool.submit(() -> "late").toCompletableFuture().get(1, TimeUnit.SECONDS));
        assertInstanceOf(WorkRejectedException.class, afterStop.getCause());
    }

    @Test
    void stoppingLetsRunningWorkFinishUninterruptedAndFailsWhatWaits() throws Exception {
        // An interrupt inside the embedded H2 database closes its file for every bundle.
        SharedWorkerPool pool = new SharedWorkerPool(config(1, 10));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> running = pool.submit(() -> {
            started.countDown();
            Thread.sleep(300); // an InterruptedException here would fail the stage
            return Thread.currentThread().isInterrupted();
        }).toCompletableFuture();
        started.await(5, TimeUnit.SECONDS);
        CompletableFuture<String> waiting = pool.submit(() -> "waiting").toCompletableFuture();
        pool.deactivate();
        assertEquals(false, running.get(5, TimeUnit.SECONDS), "finished, never interrupted");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.SECONDS));
        assertInstanceOf(WorkRejectedException.class, failed.getCause());
    }

    @Test
    void aThreadCountOrQueueSizeOutOfRangeAtStartIsBroughtIntoItInsteadOfFailingThePool() {
        // A queue of Integer.MAX_VALUE would be allocated at once and fail the pool every bundle uses.
        SharedWorkerPool pool = new SharedWorkerPool(config(50_000, Integer.MAX_VALUE));
        try {
            assertEquals(SharedWorkerPool.MAX_THREADS, pool.threads());
            assertEquals(SharedWorkerPool.MAX_QUEUE_SIZE, pool.queueCapacity());
        } finally {
            pool.deactivate();
        }
        SharedWorkerPool low = new SharedWorkerPool(config(0, 0));
        try {
            assertEquals(1, low.threads());
            assertEquals(1, low.queueCapacity());
        } finally {
            low.deactivate();
        }
    }

    @Test
    void aChangedThreadCountOutOfRangeIsRefusedAndTheOldOneKept() {
        SharedWorkerPool pool = new SharedWorkerPool(config(4, 10));
        try {
            pool.modified(config(SharedWorkerPool.MAX_THREADS + 1, 10));
            assertEquals(4, pool.threads());
            pool.modified(config(0, 10));
            assertEquals(4, pool.threads());
            pool.modified(config(SharedWorkerPool.MAX_THREADS, 10));
            assertEquals(SharedWorkerPool.MAX_THREADS, pool.threads(), "the bound itself is accepted");
        } finally {
            pool.deactivate();
        }
    }
}
