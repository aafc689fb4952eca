package org.parley.components.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Says whether a refused handshake from an address should be logged: once per address and
 * interval, so a component retrying with a wrong secret every second, or someone guessing, does
 * not fill the log. The table is bounded: past its size, entries older than the interval go.
 */
final class RefusalLog {
    private static final int MAX_ADDRESSES = 10_000;

    private final Map<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile long intervalNanos;

    RefusalLog(LongSupplier nanoTime, long intervalSeconds) {
        this.nanoTime = nanoTime;
        interval(intervalSeconds);
    }

    void interval(long seconds) {
        intervalNanos = seconds * 1_000_000_000L;
    }

    /** True when a refusal from this address is to be logged now (and then not again within the interval). */
    boolean shouldLog(InetAddress address) {
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
        lastLogged.compute(address, (a, last) -> {
            if (last == null || now - last >= interval) {
                log[0] = true;
                return now;
            }
            return last;
        });
        return log[0];
    }
}
