package org.parley.api.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The shared, bounded pool for blocking work: JDBC, LDAP, SMTP, Kerberos. Stanza processing must
 * never block (it runs on I/O and session threads); a bundle that needs to wait on something
 * submits the wait here and continues when the stage completes.
 *
 * <p>The pool has a fixed number of threads and a bounded queue. When the queue is full the
 * returned stage fails at once with {@link WorkRejectedException}; answer it with the protocol's
 * "try later" ({@code resource-constraint} for a stanza, {@code temporary-auth-failure} for SASL)
 * rather than waiting. Work still queued when the pool stops (its bundle is upgraded) fails the
 * same way, so no caller waits forever.
 */
@ProviderType
public interface WorkerPool {
    /**
     * Runs blocking work on the pool.
     *
     * @return a stage completed with the work's result, or exceptionally with what it threw, or
     *     with {@link WorkRejectedException} when the pool is full or stopping. Dependent stages
     *     run on the pool thread unless you give them an executor of your own.
     */
    <T> CompletionStage<T> submit(Callable<T> work);

    /**
     * Tasks waiting for a thread now, for monitoring; -1 when the pool does not say.
     *
     * @since 1.1
     */
    default int queuedTasks() {
        return -1;
    }

    /**
     * Threads running a task now, for monitoring; -1 when the pool does not say.
     *
     * @since 1.1
     */
    default int busyThreads() {
        return -1;
    }
}
