package org.parley.transport.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/** Counts open connections per remote address, so one host cannot take every file descriptor. */
final class ConnectionLimiter {
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private volatile int maxPerAddress;

    ConnectionLimiter(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    void setMaxPerAddress(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for one more connection; false when the address is at its limit. */
    boolean acquire(InetAddress address) {
        boolean[] granted = new boolean[1];
        open.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxPerAddress) {
                return n;
            }
            granted[0] = true;
            return current + 1;
        });
        return granted[0];
    }

    void release(InetAddress address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
