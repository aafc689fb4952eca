package org.parley.admin.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per client address and per account in a sliding window. Once either
 * reached its limit, further attempts are refused without checking the password until the
 * oldest counted failure leaves the window: guessing is slowed for one address and, against a
 * distributed guesser, for one account. A success clears the address's and the account's count.
 */
final class SignInThrottle {
    private static final int MAX_TRACKED = 100_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before trying again, or {@link Duration#ZERO}. */
    Duration waitFor(String address, String account, AdminSettings settings) {
        Instant now = clock.instant();
        Duration byAddress = wait("a:" + address, settings.failuresPerAddress(), settings.throttleWindow(), now);
        Duration byAccount = account == null ? Duration.ZERO
                : wait("u:" + account, settings.failuresPerAccount(), settings.throttleWindow(), now);
        return byAddress.compareTo(byAccount) >= 0 ? byAddress : byAccount;
    }

    void failed(String address, String account) {
        if (failures.size() >= MAX_TRACKED) {
            failures.clear(); // a flood of addresses must not exhaust memory; it loses counts, not safety
        }
        Instant now = clock.instant();
        record("a:" + address, now);
        if (account != null) {
            record("u:" + account, now);
        }
    }

    void succeeded(String address, String account) {
        failures.remove("a:" + address);
        if (account != null) {
            failures.remove("u:" + account);
        }
    }

    /** The counted failures as JDK values (key to epoch millis), for this bundle's successor. */
    Map<String, Object> snapshot() {
        Map<String, Object> result = new java.util.HashMap<>();
        for (String key : failures.keySet()) {
            // Read inside compute: the deques are only ever touched under the map's lock for their key.
            failures.computeIfPresent(key, (k, times) -> {
                result.put(k, times.stream().map(Instant::toEpochMilli).toList());
                return times;
            });
        }
        return result;
    }

    void restore(Object snapshot) {
        if (snapshot instanceof Map<?, ?> map) {
            map.forEach((key, times) -> {
                if (key instanceof String k && times instanceof List<?> list) {
                    Deque<Instant> d = new ArrayDeque<>();
                    list.forEach(t -> {
                        if (t instanceof Long millis) {
                            d.addLast(Instant.ofEpochMilli(millis));
                        }
                    });
                    failures.put(k, d);
                }
            });
        }
    }

    private void record(String key, Instant now) {
        failures.compute(key, (k, times) -> {
            Deque<Instant> d = times == null ? new ArrayDeque<>() : times;
            d.addLast(now);
            while (d.size() > 10_000) {
                d.removeFirst();
            }
            return d;
        });
    }

    private Duration wait(String key, int limit, Duration window, Instant now) {
        Duration[] result = {Duration.ZERO};
        failures.computeIfPresent(key, (k, times) -> {
            while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
                times.removeFirst();
            }
            if (times.size() >= limit) {
                // The attempt is allowed again when enough failures have left the window.
                Instant oldestCounted = times.stream().skip(times.size() - limit).findFirst().orElse(now);
                result[0] = Duration.between(now, oldestCounted.plus(window));
            }
            return times.isEmpty() ? null : times;
        });
        return result[0];
    }
}
