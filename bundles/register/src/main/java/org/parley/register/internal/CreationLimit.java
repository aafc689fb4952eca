package org.parley.register.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many account creation requests each address made within the window: a sliding window of
 * their times per address. Addresses whose requests all left the window are forgotten, so memory
 * follows the addresses active within one window. Thread-safe (synchronized: creations are rare).
 */
final class CreationLimit {
    private final Map<String, Deque<Long>> requests = new HashMap<>();
    private long lastSweep;

    /**
     * Counts a request from the address at {@code now}, unless the address has used its allowance.
     *
     * @return 0 when the request is allowed (and counted), else the milliseconds until the address
     *     may ask again
     */
    synchronized long tryAcquire(String address, long now, int max, long windowMillis) {
        sweep(now, windowMillis);
        Deque<Long> times = requests.computeIfAbsent(address, a -> new ArrayDeque<>());
        while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
            times.pollFirst();
        }
        if (times.size() >= max) {
            // the oldest request still in the window leaves it first
            return Math.max(1, times.peekFirst() + windowMillis - now);
        }
        times.addLast(now);
        return 0;
    }

    private void sweep(long now, long windowMillis) {
        if (now - lastSweep < windowMillis) {
            return;
        }
        lastSweep = now;
        requests.values().removeIf(times -> times.isEmpty() || times.peekLast() <= now - windowMillis);
    }

    /** For the state handoff: each address with the times of its requests, oldest first. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> copy = new HashMap<>();
        requests.forEach((address, times) -> {
            if (!times.isEmpty()) {
                copy.put(address, new ArrayList<>(times));
            }
        });
        return copy;
    }

    /** Takes a predecessor's {@link #snapshot}; entries it cannot read are skipped. */
    synchronized int restore(Map<?, ?> snapshot) {
        int restored = 0;
        for (Map.Entry<?, ?> e : snapshot.entrySet()) {
            if (e.getKey() instanceof String address && e.getValue() instanceof List<?> list) {
                Deque<Long> times = requests.computeIfAbsent(address, a -> new ArrayDeque<>());
                for (Object t : list) {
                    if (t instanceof Long time) {
                        times.addLast(time);
                    }
                }
                restored++;
            }
        }
        return restored;
    }
}
