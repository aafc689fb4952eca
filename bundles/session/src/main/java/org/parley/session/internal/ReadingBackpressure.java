package org.parley.session.internal;

import java.util.function.IntSupplier;
import org.parley.api.connection.ClientConnection;

/**
 * Suspends reading from a stream's connection while more elements wait on its ordered executor
 * than {@code maxPendingElements}, and resumes it once at most half that many wait. The element
 * is queued on the I/O thread and the steps end on the pool's threads, so the two checks race; the
 * suspending side checks once more after suspending, so reading is never left suspended with
 * nothing queued that would resume it.
 */
final class ReadingBackpressure {
    private final IntSupplier backlog;
    private final IntSupplier maxPending;
    private final ClientConnection connection;
    private volatile boolean suspended;

    /**
     * @param backlog the executor's steps queued or running
     * @param maxPending the setting, read at each check so a change applies at once
     */
    ReadingBackpressure(IntSupplier backlog, IntSupplier maxPending, ClientConnection connection) {
        this.backlog = backlog;
        this.maxPending = maxPending;
        this.connection = connection;
    }

    /** After an element was queued (the I/O thread). */
    void queued() {
        if (suspended || backlog.getAsInt() <= maxPending.getAsInt()) {
            return;
        }
        synchronized (this) {
            if (suspended) {
                return;
            }
            suspended = true;
            connection.suspendReading();
        }
        // The executor may have worked through the whole backlog since it was read: every step's
        // end then saw reading not suspended, and none is left to resume it.
        stepDone();
    }

    /** At the end of each step (in the step, so the backlog still counts it), and after suspending. */
    void stepDone() {
        if (!suspended || backlog.getAsInt() > maxPending.getAsInt() / 2) {
            return;
        }
        // Under the lock with the suspending: the flag and the connection's state change together, so a
        // resume can never run between another thread's setting the flag and its suspending.
        synchronized (this) {
            if (suspended && backlog.getAsInt() <= maxPending.getAsInt() / 2) {
                suspended = false;
                connection.resumeReading();
            }
        }
    }

    boolean isSuspended() {
        return suspended;
    }
}
