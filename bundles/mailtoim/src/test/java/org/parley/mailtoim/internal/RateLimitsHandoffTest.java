package org.parley.mailtoim.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets go to the successor across an upgrade: a caller or user who spent its allowance does not get a fresh one. */
class RateLimitsHandoffTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void aSpentAllowanceStaysSpentInTheSuccessor_andRefillsOnTheSameClock() {
        RateLimits before = new RateLimits(nanos::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(before.take("user a@x", 3));
        }
        assertFalse(before.take("user a@x", 3));
        assertTrue(before.take("user b@x", 3));

        RateLimits after = new RateLimits(nanos::get);
        after.restore(before.export());
        assertFalse(after.take("user a@x", 3), "still spent after the upgrade");
        assertTrue(after.take("user b@x", 3) && after.take("user b@x", 3), "b had two left");
        assertFalse(after.take("user b@x", 3));
        nanos.addAndGet(20_000_000_000L); // a third of a minute: one call back at 3 a minute
        assertTrue(after.take("user a@x", 3));
        assertFalse(after.take("user a@x", 3));
    }

    @Test
    void entriesASuccessorCannotReadAreSkipped() {
        Map<String, Object> state = new HashMap<>();
        state.put("user a@x", List.of(0.0, nanos.get()));
        state.put("user b@x", "not a bucket");
        state.put("user c@x", List.of(0.0));
        RateLimits after = new RateLimits(nanos::get);
        after.restore(state);
        assertFalse(after.take("user a@x", 3));
        assertTrue(after.take("user b@x", 3), "an unreadable entry is a fresh bucket");
        assertTrue(after.take("user c@x", 3));
    }
}
