package org.parley.mailtoim.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a caller, a user): {@code perMinute} calls in a burst, refilled evenly
 * over the minute. Buckets that are full again are dropped when the map grows, so memory follows
 * the callers and users of the last minute.
 */
final class RateLimits {
    private static final int TRIM_ABOVE = 10_000;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    RateLimits(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes one call from the key's allowance; false when there is none left. */
    boolean take(String key, int perMinute) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > TRIM_ABOVE) {
            buckets.values().removeIf(b -> refilled(b, now, perMinute) >= perMinute);
        }
        boolean[] taken = new boolean[1];
        buckets.compute(key, (k, b) -> {
            Bucket bucket = b == null ? new Bucket(perMinute, now) : b;
            bucket.tokens = refilled(bucket, now, perMinute);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                taken[0] = true;
            }
            return bucket;
        });
        return taken[0];
    }

    private static double refilled(Bucket b, long now, int perMinute) {
        return Math.min(perMinute, b.tokens + (now - b.at) * perMinute / 60_000_000_000.0);
    }
}
