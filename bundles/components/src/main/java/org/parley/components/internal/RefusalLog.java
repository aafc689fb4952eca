package org.parley.components.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Says whether a refused handshake from an address should be logged: once per address, reason
 * and interval, so a component retrying with a wrong secret every second, or someone guessing,
 * does not fill the log, while a second kind of mistake from the same host is still seen. The table is bounded: past its size, entries older than the interval go.
 */
final class RefusalLog {
    private static final int MAX_ADDRESSES = 10_000;

    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile long intervalNanos;

    RefusalLog(LongSupplier nanoTime, long intervalSeconds) {
        this.nanoTime = nanoTime;
        interval(intervalSeconds);
    }

    void interval(long seconds) {
        intervalNanos = seconds * 1_000_000_000L;
    }

    /** True when a refusal of this kind from this address is to be logged now (and then not again within the interval). */
    boolean shouldLog(InetAddress address, String reason) {
        long now = nanoTime.getAsLong();
        long interval = intervalNanos;
        if (lastLogged.size() >= MAX_ADDRESSES) {
            for (Iterator<Long> it = lastLogged.values().iterator(); it.hasNext();) {
                if (now - it.next() >= interval) {
                    it.remove();
                }
            }
        }
        boolean[] log = {false};
        lastLogged.compute(address.getHostAddress() + ' ' + reason, (a, last) -> {
            if (last == null || now - last >= interval) {
                log[0] = true;
                return now;
            }
            return last;
        });
        return log[0];
    }
}
