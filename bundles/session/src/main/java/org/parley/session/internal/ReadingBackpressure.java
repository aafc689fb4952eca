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
abstract class ReadingBackpressure {
    private final ClientConnection connection;
    private volatile boolean suspended;

    /**
     * One per stream for its life, so the stream supplies {@link #backlog} and {@link #maxPending}
     * as methods of a subclass rather than as two lambdas of their own (one object per idle session
     * instead of three).
     */
    ReadingBackpressure(ClientConnection connection) {
        this.connection = connection;
    }

    /** The executor's steps queued or running. */
    abstract int backlog();

    /** The setting, read at each check so a change applies at once. */
    abstract int maxPending();

    static ReadingBackpressure of(IntSupplier backlog, IntSupplier maxPending, ClientConnection connection) {
        return new ReadingBackpressure(connection) {
            @Override
            int backlog() {
                return backlog.getAsInt();
            }

            @Override
            int maxPending() {
                return maxPending.getAsInt();
            }
        };
    }

    /** After an element was queued (the I/O thread). */
    void queued() {
        if (suspended || backlog() <= maxPending()) {
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
        if (!suspended || backlog() > maxPending() / 2) {
            return;
        }
        // Under the lock with the suspending: the flag and the connection's state change together, so a
        // resume can never run between another thread's setting the flag and its suspending.
        synchronized (this) {
            if (suspended && backlog() <= maxPending() / 2) {
                suspended = false;
                connection.resumeReading();
            }
        }
    }

    boolean isSuspended() {
        return suspended;
    }
}
