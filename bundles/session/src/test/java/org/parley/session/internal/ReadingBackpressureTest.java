package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** Reading from a client pauses while its elements pile up, and never stays paused once they are processed. */
class ReadingBackpressureTest {
    private static final int MAX = 64;

    private final FakeConnection connection = new FakeConnection();
    private final AtomicInteger backlog = new AtomicInteger();

    @Test
    void suspendsAboveTheLimitAndResumesAtHalf() {
        ReadingBackpressure bp = ReadingBackpressure.of(backlog::get, () -> MAX, connection);
        for (int i = 0; i < MAX; i++) {
            backlog.incrementAndGet();
            bp.queued();
        }
        assertFalse(connection.readingSuspended, "at the limit, reading goes on");
        backlog.incrementAndGet();
        bp.queued();
        assertTrue(connection.readingSuspended, "one past the limit, reading pauses");
        while (backlog.get() > MAX / 2) {
            bp.stepDone();
            assertTrue(connection.readingSuspended, "still more than half the limit waits: " + backlog.get());
            backlog.decrementAndGet();
        }
        bp.stepDone(); // the step still counts itself: half the limit
        assertFalse(connection.readingSuspended, "at half the limit, reading resumes");
        assertEquals(1, connection.suspensions);
    }

    /**
     * The executor works through every queued element between the reader's look at the backlog and
     * its suspending: each step's end saw reading not (yet) suspended, and no step is left to resume
     * it. Before the fix the connection stayed suspended until something else queued a step.
     */
    @Test
    void aBacklogDrainedWhileSuspendingDoesNotLeaveReadingSuspended() {
        ReadingBackpressure[] bp = new ReadingBackpressure[1];
        boolean[] drainNow = {false};
        IntSupplier racingBacklog = () -> {
            int seen = backlog.get();
            if (drainNow[0]) {
                drainNow[0] = false;
                // the pool's thread runs every queued step right after the reader read the count
                while (backlog.get() > 0) {
                    bp[0].stepDone();
                    backlog.decrementAndGet();
                }
            }
            return seen;
        };
        bp[0] = ReadingBackpressure.of(racingBacklog, () -> MAX, connection);
        backlog.set(MAX + 1);
        drainNow[0] = true;
        bp[0].queued();
        assertEquals(0, backlog.get());
        assertFalse(connection.readingSuspended, "nothing waits, yet reading stayed suspended with no step left to resume it");
        assertFalse(bp[0].isSuspended());
    }
}
