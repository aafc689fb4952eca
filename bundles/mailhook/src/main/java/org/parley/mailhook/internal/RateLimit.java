package org.parley.mailhook.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one mail per sender and recipient within an interval: the first message of a burst is
 * let through, the rest until the interval has passed are not. Entries older than the interval are
 * dropped as new ones come, so memory follows the number of conversations in one interval.
 */
final class RateLimit {
    private final ConcurrentHashMap<String, Instant> lastMail = new ConcurrentHashMap<>();
    private volatile Duration interval;
    private volatile Instant lastPrune = Instant.EPOCH;

    RateLimit(Duration interval) {
        this.interval = interval;
    }

    void interval(Duration interval) {
        this.interval = interval;
    }

    /** True (and the interval starts now) when no mail went from this sender to this recipient within the interval. */
    boolean tryAcquire(String recipient, String sender, Instant now) {
        pruneNowAndThen(now);
        Duration window = interval;
        boolean[] granted = new boolean[1];
        lastMail.compute(recipient + '\u0000' + sender, (key, last) -> {
            if (last == null || !now.isBefore(last.plus(window))) {
                granted[0] = true;
                return now;
            }
            return last;
        });
        return granted[0];
    }

    /** Gives the slot back, so the sender's next message can be told (the mail was never queued). */
    void release(String recipient, String sender, Instant acquiredAt) {
        lastMail.remove(recipient + '\u0000' + sender, acquiredAt);
    }

    int size() {
        return lastMail.size();
    }

    private void pruneNowAndThen(Instant now) {
        Duration window = interval;
        if (now.isBefore(lastPrune.plus(window))) {
            return;
        }
        lastPrune = now;
        Instant oldest = now.minus(window);
        lastMail.values().removeIf(last -> last.isBefore(oldest));
    }

    /** The state as JDK values, for the successor after an upgrade of this bundle. */
    Map<String, Long> export() {
        Map<String, Long> out = new HashMap<>();
        lastMail.forEach((key, last) -> out.put(key, last.toEpochMilli()));
        return out;
    }

    void restore(Map<?, ?> state) {
        state.forEach((key, value) -> {
            if (key instanceof String k && value instanceof Long millis) { // read tolerantly: another version may write more
                lastMail.merge(k, Instant.ofEpochMilli(millis), (a, b) -> a.isAfter(b) ? a : b);
            }
        });
    }
}
