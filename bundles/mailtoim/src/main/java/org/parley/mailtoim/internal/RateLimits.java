package org.parley.mailtoim.internal;

import java.util.HashMap;
import java.util.List;
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

    /**
     * The buckets as JDK values for the successor across an upgrade: key to [tokens left, when
     * last taken as {@link System#nanoTime}]; the successor runs in the same JVM, so the times
     * still compare.
     */
    Map<String, List<Number>> export() {
        Map<String, List<Number>> out = new HashMap<>();
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> { // under the same lock take() changes a bucket in
                out.put(k, List.of(b.tokens, b.at));
                return b;
            });
        }
        return out;
    }

    /** Takes a predecessor's buckets; entries it cannot read are skipped (another version may write more). */
    void restore(Map<?, ?> state) {
        state.forEach((key, value) -> {
            if (key instanceof String k && value instanceof List<?> l && l.size() >= 2 && l.get(0) instanceof Number tokens
                    && l.get(1) instanceof Number at) {
                buckets.putIfAbsent(k, new Bucket(tokens.doubleValue(), at.longValue()));
            }
        });
    }

    private static double refilled(Bucket b, long now, int perMinute) {
        return Math.min(perMinute, b.tokens + (now - b.at) * perMinute / 60_000_000_000.0);
    }
}
