package org.parley.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void stepsFromManyThreadsRunOneAtATimeInTheOrderEachThreadSubmittedThem() throws Exception {
        SerialExecutor lane = new SerialExecutor(pool, "test");
        int threads = 4;
        int each = 5_000;
        List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * each);
        ExecutorService submitters = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitters.execute(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    lane.execute(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        seen.add(new int[] {thread, n});
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        submitters.shutdown();
        assertEquals(0, overlaps.get(), "two steps ran at once");
        int[] last = new int[threads];
        java.util.Arrays.fill(last, -1);
        for (int[] s : seen) {
            assertEquals(last[s[0]] + 1, s[1], "thread " + s[0] + "'s steps out of order");
            last[s[0]] = s[1];
        }
        assertTrue(lane.isIdle());
    }

    @Test
    void aMinimalStageHoldsTheNextStepsUntilItCompletesAndIsNotTakenForAFailure() throws Exception {
        // Directories answer with minimalCompletionStage(), whose isDone() throws: the executor
        // must wait on it like on any pending stage, not log the step as failed and run the next.
        SerialExecutor lane = new SerialExecutor(pool, "test");
        CompletableFuture<Void> slow = new CompletableFuture<>();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        lane.submit(() -> slow.thenRun(() -> order.add("slow finished")).minimalCompletionStage());
        CountDownLatch next = new CountDownLatch(1);
        lane.execute(() -> {
            order.add("next");
            next.countDown();
        });
        assertFalse(next.await(200, TimeUnit.MILLISECONDS), "the next step overtook the minimal stage");
        slow.complete(null);
        assertTrue(next.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("slow finished", "next"), order);

        CountDownLatch after = new CountDownLatch(1);
        lane.submit(() -> CompletableFuture.completedFuture(null).minimalCompletionStage());
        lane.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS), "a completed minimal stage lets the next step run");
    }

    @Test
    void onlyAPlainCompletedFutureIsTakenAsDone() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("x");
        assertTrue(Stages.isDone(done));
        assertTrue(Stages.isDoneNormally(done));
        CompletableFuture<String> failed = CompletableFuture.failedFuture(new IllegalStateException("no"));
        assertTrue(Stages.isDone(failed));
        assertFalse(Stages.isDoneNormally(failed));
        assertFalse(Stages.isDone(new CompletableFuture<>()));
        assertFalse(Stages.isDone(done.minimalCompletionStage()), "a minimal stage cannot be asked: taken as pending");
        assertFalse(Stages.isDoneNormally(done.minimalCompletionStage()));
        assertFalse(Stages.isDone(null));
    }

    @Test
    void anUnfinishedStageHoldsTheNextStepsWithoutHoldingAThread() throws Exception {
        SerialExecutor lane = new SerialExecutor(pool, "test");
        CompletableFuture<Void> slow = new CompletableFuture<>();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        lane.submit(() -> {
            order.add("slow started");
            return slow.thenRun(() -> order.add("slow finished"));
        });
        CountDownLatch next = new CountDownLatch(1);
        lane.execute(() -> {
            order.add("next");
            next.countDown();
        });
        assertFalse(next.await(200, TimeUnit.MILLISECONDS), "the next step overtook the unfinished one");
        assertEquals(2, lane.backlog());
        slow.complete(null);
        assertTrue(next.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("slow started", "slow finished", "next"), order);
    }

    @Test
    void aFailingStepIsLoggedAndTheNextRuns() throws Exception {
        SerialExecutor lane = new SerialExecutor(pool, "test");
        CountDownLatch after = new CountDownLatch(2);
        lane.execute(() -> {
            throw new IllegalStateException("boom");
        });
        lane.submit(() -> CompletableFuture.failedFuture(new IllegalStateException("failed stage")));
        lane.submit(() -> {
            CompletableFuture<Void> later = new CompletableFuture<>();
            pool.execute(() -> later.completeExceptionally(new IllegalStateException("failed later")));
            return later;
        });
        lane.execute(after::countDown);
        lane.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void runOrSubmitRunsOnTheCallerWhenIdleAndQueuesBehindBusyWork() throws Exception {
        SerialExecutor lane = new SerialExecutor(pool, "test");
        Thread caller = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        lane.runOrSubmit(() -> {
            ranOn[0] = Thread.currentThread();
            return null;
        });
        assertEquals(caller, ranOn[0], "an idle executor runs the step here");

        CompletableFuture<Void> busy = new CompletableFuture<>();
        lane.submit(() -> busy);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ran = new CountDownLatch(1);
        lane.runOrSubmit(() -> {
            order.add("queued");
            ran.countDown();
            return null;
        });
        assertTrue(order.isEmpty(), "a busy executor queues the step");
        busy.complete(null);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aClosedExecutorRefusesNewStepsAndFinishesQueuedOnes() throws Exception {
        SerialExecutor lane = new SerialExecutor(pool, "test");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger ran = new AtomicInteger();
        lane.submit(() -> gate);
        lane.execute(ran::incrementAndGet);
        lane.close();
        assertFalse(lane.execute(ran::incrementAndGet), "accepted after close");
        assertFalse(lane.runOrSubmit(() -> null));
        gate.complete(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lane.isIdle() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, ran.get());
        assertTrue(lane.isIdle());
    }

    @Test
    void manyExecutorsShareOneSmallPoolFairly() throws Exception {
        ForkJoinPool fj = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        try {
            int lanes = 200;
            CountDownLatch done = new CountDownLatch(lanes * 100);
            for (int l = 0; l < lanes; l++) {
                SerialExecutor lane = new SerialExecutor(fj, "lane" + l);
                for (int i = 0; i < 100; i++) {
                    lane.execute(done::countDown);
                }
            }
            assertTrue(done.await(20, TimeUnit.SECONDS));
        } finally {
            fj.shutdownNow();
        }
    }
}
