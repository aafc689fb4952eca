package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void aBurstFromOneSenderGetsOneMail() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(15));
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0));
        for (int i = 1; i < 50; i++) {
            assertFalse(limit.tryAcquire("bob@x", "alice@x", T0.plusSeconds(i)));
        }
    }

    @Test
    void afterTheIntervalTheSenderIsToldAgain() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(15));
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0));
        assertFalse(limit.tryAcquire("bob@x", "alice@x", T0.plus(Duration.ofMinutes(15)).minusMillis(1)));
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0.plus(Duration.ofMinutes(15))));
    }

    @Test
    void otherSendersAndRecipientsHaveTheirOwnInterval() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(15));
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0));
        assertTrue(limit.tryAcquire("bob@x", "carol@x", T0));
        assertTrue(limit.tryAcquire("dave@x", "alice@x", T0));
    }

    @Test
    void aReleasedSlotLetsTheNextMessageThrough() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(15));
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0));
        limit.release("bob@x", "alice@x", T0);
        assertTrue(limit.tryAcquire("bob@x", "alice@x", T0.plusSeconds(1)));
    }

    @Test
    void oldEntriesAreDropped() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            limit.tryAcquire("bob@x", "sender" + i + "@x", T0);
        }
        limit.tryAcquire("bob@x", "late@x", T0.plus(Duration.ofMinutes(2)));
        assertEquals(1, limit.size());
    }

    @Test
    void theStateCarriesOverToASuccessor() {
        RateLimit limit = new RateLimit(Duration.ofMinutes(15));
        limit.tryAcquire("bob@x", "alice@x", T0);
        RateLimit successor = new RateLimit(Duration.ofMinutes(15));
        successor.restore(limit.export());
        assertFalse(successor.tryAcquire("bob@x", "alice@x", T0.plusSeconds(10)));
        assertTrue(successor.tryAcquire("bob@x", "carol@x", T0.plusSeconds(10)));
    }
}
