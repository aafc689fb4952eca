package org.parley.auth.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Counts recent authentication failures per remote address and says how long to hold back the
 * next failure answer: nothing for the first {@code failureThreshold} failures within the window,
 * then the base delay, doubling with each further failure up to the maximum. A success forgets
 * the address.
 *
 * <p>Memory is bounded: entries whose last failure is older than the window are dropped, and past
 * {@code trackedAddresses} the address that failed least recently is forgotten.
 */
final class FailureThrottle {
    private final LongSupplier nanoClock;
    /** In access order, so the eldest entry is the address whose last failure is oldest. Guarded by this. */
    private final LinkedHashMap<Object, Failures> addresses = new LinkedHashMap<>(64, 0.75f, true);

    private static final class Failures {
        int count;
        long lastNanos;
    }

    FailureThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records a failure and returns the delay for its answer ({@link Duration#ZERO} for none). */
    synchronized Duration failure(InetAddress address, AuthSettings settings) {
        return count(key(address), settings.failureThreshold(), settings);
    }

    /**
     * Records a failure counted by another key (an account's prepared name), with its own
     * threshold, and returns the delay for its answer.
     */
    synchronized Duration failure(String account, int threshold, AuthSettings settings) {
        return count(account, threshold, settings);
    }

    /** Forgets the account: it has authenticated. */
    synchronized void success(String account) {
        addresses.remove(account);
    }

    private Duration count(Object key, int threshold, AuthSettings settings) {
        long now = nanoClock.getAsLong();
        long window = settings.failureWindow().toNanos();
        expire(now, window);
        Failures f = addresses.get(key);
        if (f == null) {
            f = new Failures();
            addresses.put(key, f);
            while (addresses.size() > settings.trackedAddresses()) {
                Iterator<Object> eldest = addresses.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        f.count++;
        f.lastNanos = now;
        int beyond = f.count - threshold;
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        // base * 2^(beyond - 1), capped; the shift is bounded so it cannot overflow.
        long base = settings.failureDelayBase().toMillis();
        long max = settings.failureDelayMax().toMillis();
        int doublings = Math.min(beyond - 1, 30);
        return Duration.ofMillis(Math.min(max, base << doublings));
    }

    /** Forgets the address: it has authenticated. */
    synchronized void success(InetAddress address) {
        addresses.remove(key(address));
    }

    synchronized int trackedAddresses() {
        return addresses.size();
    }

    /** Drops the entries whose last failure is older than the window, oldest first. */
    private void expire(long now, long window) {
        Iterator<Failures> it = addresses.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().lastNanos <= window) {
                break; // access order: every later entry failed more recently
            }
            it.remove();
        }
    }

    /**
     * The unit that is counted: an IPv4 address, or the /64 an IPv6 address belongs to, because one
     * IPv6 client usually has a whole /64 and could otherwise change address on every attempt.
     */
    static InetAddress key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return address;
    }

    /** For tests: the failures counted for an address. */
    synchronized int failures(InetAddress address) {
        Failures f = addresses.get(key(address));
        return f == null ? 0 : f.count;
    }
}
