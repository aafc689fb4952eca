package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(48));

    @Test
    void eachFailureDoublesTheWait() {
        assertEquals(Duration.ofSeconds(30), backoff.delayAfter(1));
        assertEquals(Duration.ofSeconds(60), backoff.delayAfter(2));
        assertEquals(Duration.ofSeconds(120), backoff.delayAfter(3));
        assertEquals(Duration.ofSeconds(480), backoff.delayAfter(5));
    }

    @Test
    void theWaitStopsAtTheMaximum() {
        assertEquals(Duration.ofMinutes(10), backoff.delayAfter(6));
        assertEquals(Duration.ofMinutes(10), backoff.delayAfter(1000), "no overflow after many failures");
    }

    @Test
    void noFailureNoWait() {
        assertEquals(Duration.ZERO, backoff.delayAfter(0));
    }

    @Test
    void aMaximumBelowTheFirstWaitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(10), Duration.ofHours(1)));
    }
}
