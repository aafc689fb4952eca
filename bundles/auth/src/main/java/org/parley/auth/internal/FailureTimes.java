package org.parley.auth.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long refused sign-ins took on their own (before any deliberate delay) lately: the slowest
 * of the current and the previous minute. Failures are answered no sooner than that, so an
 * unknown name, which the providers answer at once, takes as long as a wrong password, whose
 * hash (bcrypt in a password file, a directory bind) costs hundreds of milliseconds on a busy
 * machine, more than any fixed floor an operator would pick. A maximum, not an average: a client
 * sending unknown names in bulk cannot pull it down. Capped, so that one stall (a collector
 * pause) does not hold every refusal for long; it is forgotten after two minutes at most.
 */
final class FailureTimes {
    /** The most a refusal is held for equalisation. */
    static final Duration CAP = Duration.ofSeconds(2);
    private static final long BUCKET_NANOS = 60_000_000_000L;

    private final LongSupplier nanoClock;
    // Guarded by this.
    private long bucketStart;
    private long currentMax;
    private long previousMax;

    FailureTimes(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.bucketStart = nanoClock.getAsLong();
    }

    synchronized void record(Duration took) {
        roll();
        currentMax = Math.max(currentMax, took.toNanos());
    }

    /** The slowest recent refusal, at most {@link #CAP}. */
    synchronized Duration recentMax() {
        roll();
        return Duration.ofNanos(Math.min(CAP.toNanos(), Math.max(currentMax, previousMax)));
    }

    private void roll() {
        long now = nanoClock.getAsLong();
        long age = now - bucketStart;
        if (age >= BUCKET_NANOS) {
            previousMax = age >= 2 * BUCKET_NANOS ? 0 : currentMax;
            currentMax = 0;
            bucketStart = now;
        }
    }
}
