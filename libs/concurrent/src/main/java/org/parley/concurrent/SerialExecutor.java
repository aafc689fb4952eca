package org.parley.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps one at a time, in the order they were submitted, on a shared pool: one per session
 * (its received stanzas; its outbound queue) or per component. Many of them share a few threads,
 * and an idle one holds no thread and nothing but this object and an empty queue.
 *
 * <p>A step may return an unfinished {@link CompletionStage}: the executor then waits for it before
 * the next step, without holding a thread, so a session's stanzas stay in order while an
 * interceptor looks something up. A step that throws is logged and the next one runs.
 *
 * <p>{@link #runOrSubmit} runs a step on the caller's thread when the executor is idle (nothing
 * queued, nothing running): the common one-to-one delivery then costs no hand-off between
 * threads, while a busy recipient still gets its steps in order.
 *
 * <p>The count of queued steps ({@link #backlog}) lets a caller apply back-pressure. After
 * {@link #close} the executor refuses new steps (their stages fail with
 * RejectedExecutionException; {@code submit} returns false) and drops nothing already queued.
 */
public final class SerialExecutor extends AtomicInteger implements Runnable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /** Steps run per turn before the executor yields its thread to other executors of the pool. */
    private static final int TURN = 32;
    /** The sign bit of the count marks a closed executor. */
    private static final int CLOSED = Integer.MIN_VALUE;

    /** One unit of ordered work. */
    @FunctionalInterface
    public interface Step {
        /** @return null, or a stage the executor waits for before the next step */
        CompletionStage<?> run();
    }

    /** A queued step. */
    private static final class Node {
        final Step step;
        Node next;

        Node(Step step) {
            this.step = step;
        }
    }

    private static final VarHandle SUBMITTED;

    static {
        try {
            SUBMITTED = MethodHandles.lookup().findVarHandle(SerialExecutor.class, "submitted", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor pool;
    /**
     * Steps submitted and not yet taken by the running step, newest first: producers push with a
     * compare-and-set. The running step takes them all at once and reverses them into
     * {@link #next}, so the order of submission is kept. An idle executor holds no node at all
     * (one is alive per session twice over, so this matters for memory).
     */
    @SuppressWarnings("unused") // through SUBMITTED
    private volatile Node submitted;
    /** Steps taken from {@link #submitted}, oldest first; touched only by the running step. */
    private Node next;
    /** Names the executor in log lines (its toString); not a string, so a name costs nothing until one is logged. */
    private final Object owner;

    /** @param owner what the executor runs for, named by its {@code toString()} in log lines about failed steps */
    public SerialExecutor(Executor pool, Object owner) {
        this.pool = pool;
        this.owner = owner;
    }

    /**
     * Queues a step.
     *
     * @return false when the executor is closed (the step will not run)
     */
    public boolean submit(Step step) {
        if (get() < 0) {
            return false;
        }
        // Queue first, count second: whoever sees the count sees the step.
        Node node = new Node(step);
        Node head;
        do {
            head = submitted;
            node.next = head;
        } while (!SUBMITTED.compareAndSet(this, head, node));
        if ((getAndIncrement() & ~CLOSED) == 0) {
            schedule();
        }
        return true;
    }

    /** Queues a plain action. */
    public boolean execute(Runnable action) {
        return submit(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Runs the step on this thread if the executor is idle, else queues it behind the others.
     *
     * @return false when the executor is closed
     */
    public boolean runOrSubmit(Step step) {
        if (compareAndSet(0, 1)) {
            finishOrWait(runSafely(step));
            return true;
        }
        return submit(step);
    }

    /** Steps queued or running (0 when idle). */
    public int backlog() {
        return get() & ~CLOSED;
    }

    /** True when nothing is queued or running. */
    public boolean isIdle() {
        return backlog() == 0;
    }

    /** Refuses new steps from now on; queued steps still run. */
    public void close() {
        int v;
        do {
            v = get();
            if (v < 0) {
                return;
            }
        } while (!compareAndSet(v, v | CLOSED));
    }

    public boolean isClosed() {
        return get() < 0;
    }

    @Override
    public void run() {
        for (int done = 0; done < TURN; done++) {
            Step step = poll();
            if (step == null) {
                // counted but not yet visible in the queue: cannot happen (add precedes increment)
                LOG.error("{}: step count and queue disagree", owner);
                return;
            }
            CompletionStage<?> pending = runSafely(step);
            if (pending != null) {
                pending.whenComplete((r, e) -> finished());
                return;
            }
            if ((decrementAndGet() & ~CLOSED) == 0) {
                return;
            }
        }
        schedule(); // yield: other executors' steps wait on the same threads
    }

    /** The oldest queued step; the count says there is one. Only the running step calls this. */
    private Step poll() {
        if (next == null) {
            Node taken = (Node) SUBMITTED.getAndSet(this, null);
            Node reversed = null;
            while (taken != null) {
                Node following = taken.next;
                taken.next = reversed;
                reversed = taken;
                taken = following;
            }
            next = reversed;
        }
        Node first = next;
        if (first == null) {
            return null;
        }
        next = first.next;
        return first.step;
    }

    /** After a step ran on the caller's thread: wait for its stage, or hand on to the queue. */
    private void finishOrWait(CompletionStage<?> pending) {
        if (pending != null) {
            pending.whenComplete((r, e) -> finished());
        } else {
            finished();
        }
    }

    /** One step is done: run the next, if any, on the pool. */
    private void finished() {
        if ((decrementAndGet() & ~CLOSED) != 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            pool.execute(this);
        } catch (RejectedExecutionException e) {
            // the pool is stopping: run here rather than strand the queued steps
            run();
        }
    }

    /** @return the step's stage when it is still running, else null */
    private CompletionStage<?> runSafely(Step step) {
        try {
            CompletionStage<?> stage = step.run();
            if (stage == null) {
                return null;
            }
            if (Stages.isDone(stage)) {
                return null;
            }
            return stage;
        } catch (Throwable t) {
            LOG.error("{}: a step failed", owner, t);
            return null;
        }
    }

    @Override
    public String toString() {
        return owner + " (" + backlog() + " queued" + (isClosed() ? ", closed)" : ")");
    }
}
