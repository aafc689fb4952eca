package org.parley.auth.internal;

import java.lang.annotation.Annotation;

/** An {@link AuthConfig} as SCR would build it from a configuration. */
record AuthConfigValue(int iterations, int failureThreshold, int failureWindowSeconds, int failureDelayBaseMillis,
        int failureDelayMaxMillis, int failureTrackedAddresses) implements AuthConfig {

    static AuthConfigValue defaults() {
        return new AuthConfigValue(4096, 3, 60, 1000, 30000, 10000);
    }

    /** Failures answered as soon as known, as the tests that time the slow-down expect. */
    @Override
    public int failureMinimumMillis() {
        return 0;
    }

    /** No per-account count in effect, as the tests of the per-address slow-down expect. */
    @Override
    public int accountFailureThreshold() {
        return 1_000_000;
    }

    @Override
    public boolean localPasswords() {
        return true;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return AuthConfig.class;
    }
}
