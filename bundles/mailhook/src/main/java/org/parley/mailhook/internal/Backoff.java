package org.parley.mailhook.internal;

import java.time.Duration;

/** Exponential backoff between attempts to send a mail: initial, doubled each time, capped. */
record Backoff(Duration initial, Duration max, Duration giveUpAfter) {
    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("initial > 0, max >= initial and giveUpAfter > 0 are required");
        }
    }

    /** The wait after the given number of failed attempts (1 for the first failure). */
    Duration delayAfter(int failedAttempts) {
        if (failedAttempts < 1) {
            return Duration.ZERO;
        }
        // Shifting past 62 bits overflows; by then the cap has long applied.
        int doublings = Math.min(failedAttempts - 1, 40);
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
