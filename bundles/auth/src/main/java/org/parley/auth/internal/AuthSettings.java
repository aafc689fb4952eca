package org.parley.auth.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The validated values of {@link AuthConfig}. An invalid value is reported by key and replaced by
 * the value in use before (the default at first start), so a typo never disables authentication.
 */
record AuthSettings(int iterations, int failureThreshold, Duration failureWindow, Duration failureDelayBase,
        Duration failureDelayMax, int trackedAddresses, Duration failureMinimum, int accountFailureThreshold) {

    /** The defaults of {@link AuthConfig}. */
    static final AuthSettings DEFAULTS = new AuthSettings(4096, 3, Duration.ofSeconds(60), Duration.ofSeconds(1),
            Duration.ofSeconds(30), 10_000, Duration.ofMillis(200), 5);

    /** No per-account count in effect: for tests that time the per-address slow-down alone. */
    private static final int NO_ACCOUNT_LIMIT = 1_000_000;

    /** Settings whose failures are answered as soon as known (no {@code failureMinimumMillis}): for tests that time the slow-down alone. */
    AuthSettings(int iterations, int failureThreshold, Duration failureWindow, Duration failureDelayBase,
            Duration failureDelayMax, int trackedAddresses) {
        this(iterations, failureThreshold, failureWindow, failureDelayBase, failureDelayMax, trackedAddresses, Duration.ZERO);
    }

    /** With a failure floor and no per-account count (tests). */
    AuthSettings(int iterations, int failureThreshold, Duration failureWindow, Duration failureDelayBase,
            Duration failureDelayMax, int trackedAddresses, Duration failureMinimum) {
        this(iterations, failureThreshold, failureWindow, failureDelayBase, failureDelayMax, trackedAddresses,
                failureMinimum, NO_ACCOUNT_LIMIT);
    }

    /** RFC 7677 section 4: at least 4096 iterations. */
    static final int MIN_ITERATIONS = 4096;

    /** Bounds the PBKDF2 work of one PLAIN login, which runs with the account's own count. */
    static final int MAX_ITERATIONS = 100_000_000;

    /**
     * @param raw the configuration properties as given, to tell an unparsable value from a 0
     * @param previous the settings in use, which invalid values fall back to
     * @param problems receives one message per invalid key
     */
    static AuthSettings from(AuthConfig config, Map<String, ?> raw, AuthSettings previous, List<String> problems) {
        int iterations = checked(raw, "iterations", config.iterations(), MIN_ITERATIONS, MAX_ITERATIONS,
                previous.iterations(), problems);
        int threshold = checked(raw, "failureThreshold", config.failureThreshold(), 0, 1_000_000,
                previous.failureThreshold(), problems);
        int window = checked(raw, "failureWindowSeconds", config.failureWindowSeconds(), 1, 86_400,
                (int) previous.failureWindow().toSeconds(), problems);
        int base = checked(raw, "failureDelayBaseMillis", config.failureDelayBaseMillis(), 1, 600_000,
                (int) previous.failureDelayBase().toMillis(), problems);
        int max = checked(raw, "failureDelayMaxMillis", config.failureDelayMaxMillis(), 1, 600_000,
                (int) previous.failureDelayMax().toMillis(), problems);
        if (max < base) {
            problems.add("key 'failureDelayMaxMillis': " + max + " is below failureDelayBaseMillis " + base
                    + "; using " + base);
            max = base;
        }
        int tracked = checked(raw, "failureTrackedAddresses", config.failureTrackedAddresses(), 1, 10_000_000,
                previous.trackedAddresses(), problems);
        int minimum = checked(raw, "failureMinimumMillis", config.failureMinimumMillis(), 0, 10_000,
                (int) previous.failureMinimum().toMillis(), problems);
        int accountThreshold = checked(raw, "accountFailureThreshold", config.accountFailureThreshold(), 1, 1_000_000,
                previous.accountFailureThreshold(), problems);
        return new AuthSettings(iterations, threshold, Duration.ofSeconds(window), Duration.ofMillis(base),
                Duration.ofMillis(max), tracked, Duration.ofMillis(minimum), accountThreshold);
    }

    /**
     * The typed value when it is in range, else the previous one with a message. The raw value is
     * looked at because SCR hands a component 0 for a number it cannot parse.
     */
    private static int checked(Map<String, ?> raw, String key, int value, int min, int max, int previous,
            List<String> problems) {
        Object given = raw.get(key);
        if (given instanceof String s && !isInteger(s.trim())) {
            problems.add("key '" + key + "': '" + s + "' is not a whole number; keeping " + previous);
            return previous;
        }
        if (value < min || value > max) {
            problems.add("key '" + key + "': must be between " + min + " and " + max + ", got " + value
                    + "; keeping " + previous);
            return previous;
        }
        return value;
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
