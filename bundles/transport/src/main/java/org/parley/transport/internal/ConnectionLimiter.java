package org.parley.transport.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections in all and per remote address, so neither one host nor all of them
 * together can take the file descriptors the server needs for itself.
 */
final class ConnectionLimiter {
    /** Why {@link #acquire} refused. */
    enum Refusal { NONE, ADDRESS, TOTAL }

    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private volatile int maxPerAddress;
    private volatile int maxTotal;

    ConnectionLimiter(int maxPerAddress, int maxTotal) {
        this.maxPerAddress = maxPerAddress;
        this.maxTotal = maxTotal;
    }

    void setLimits(int maxPerAddress, int maxTotal) {
        this.maxPerAddress = maxPerAddress;
        this.maxTotal = maxTotal;
    }

    /** Takes a slot for one more connection, or says which limit it is at. */
    Refusal acquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.TOTAL;
        }
        boolean[] granted = new boolean[1];
        open.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxPerAddress) {
                return n;
            }
            granted[0] = true;
            return current + 1;
        });
        if (!granted[0]) {
            total.decrementAndGet();
            return Refusal.ADDRESS;
        }
        return Refusal.NONE;
    }

    void release(InetAddress address) {
        total.decrementAndGet();
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    int total() {
        return total.get();
    }

    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
