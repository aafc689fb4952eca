package org.parley.session.internal;

/**
 * The session core's settings, validated: built from {@link SessionConfig}, refusing a value the
 * core cannot work with by naming its key.
 */
record SessionSettings(boolean requireTls, int authTimeoutSeconds, int maxAuthAttempts, long graceMillis,
        int resumptionTimeoutSeconds, int maxUnackedStanzas, int maxPendingElements) {

    static final SessionSettings DEFAULTS = new SessionSettings(true, 60, 5, 5000, 300, 5000, 64);

    /** @throws IllegalArgumentException naming the key of the first value that cannot work */
    static SessionSettings from(SessionConfig c) {
        check(c.authTimeoutSeconds() >= 1, "authTimeoutSeconds must be at least 1, got " + c.authTimeoutSeconds());
        check(c.maxAuthAttempts() >= 1, "maxAuthAttempts must be at least 1, got " + c.maxAuthAttempts());
        check(c.graceMillis() >= 0, "graceMillis must not be negative, got " + c.graceMillis());
        check(c.resumptionTimeoutSeconds() >= 0, "resumptionTimeoutSeconds must not be negative, got " + c.resumptionTimeoutSeconds());
        check(c.maxUnackedStanzas() >= 10, "maxUnackedStanzas must be at least 10, got " + c.maxUnackedStanzas());
        check(c.maxPendingElements() >= 2, "maxPendingElements must be at least 2, got " + c.maxPendingElements());
        return new SessionSettings(c.requireTls(), c.authTimeoutSeconds(), c.maxAuthAttempts(), c.graceMillis(),
                c.resumptionTimeoutSeconds(), c.maxUnackedStanzas(), c.maxPendingElements());
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    boolean resumptionEnabled() {
        return resumptionTimeoutSeconds > 0;
    }
}
