package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
    @Test
    void validValuesAreTaken() {
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(new AuthConfigValue(10000, 5, 120, 200, 5000, 50), Map.of(),
                AuthSettings.DEFAULTS, problems);
        assertEquals(List.of(), problems);
        assertEquals(new AuthSettings(10000, 5, Duration.ofSeconds(120), Duration.ofMillis(200),
                Duration.ofMillis(5000), 50), s);
    }

    @Test
    void eachInvalidValueIsReportedByKeyAndTheValueInUseIsKept() {
        AuthSettings previous = new AuthSettings(8192, 4, Duration.ofSeconds(30), Duration.ofMillis(500),
                Duration.ofSeconds(10), 1000);
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(new AuthConfigValue(100, 3, 0, 1000, 30000, 10000),
                Map.of("failureThreshold", "three"), previous, problems);
        assertEquals(List.of(
                "key 'iterations': must be between 4096 and 100000000, got 100; keeping 8192",
                "key 'failureThreshold': 'three' is not a whole number; keeping 4",
                "key 'failureWindowSeconds': must be between 1 and 86400, got 0; keeping 30"), problems);
        assertEquals(8192, s.iterations());
        assertEquals(4, s.failureThreshold());
        assertEquals(Duration.ofSeconds(30), s.failureWindow());
        assertEquals(Duration.ofMillis(1000), s.failureDelayBase(), "valid keys are still applied");
    }

    @Test
    void theFailureFloorIsTakenAndAnInvalidOneRefusedByKey() {
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(new AuthConfigValue(4096, 3, 60, 1000, 30000, 10000), Map.of(),
                AuthSettings.DEFAULTS, problems);
        assertEquals(Duration.ZERO, s.failureMinimum());
        assertEquals(Duration.ofMillis(200), AuthSettings.DEFAULTS.failureMinimum(), "the default floor");
        s = AuthSettings.from(new AuthConfigValue(4096, 3, 60, 1000, 30000, 10000),
                Map.of("failureMinimumMillis", "fast"), AuthSettings.DEFAULTS, problems);
        assertEquals(List.of("key 'failureMinimumMillis': 'fast' is not a whole number; keeping 200"), problems);
        assertEquals(Duration.ofMillis(200), s.failureMinimum());
    }

    @Test
    void aMaximumBelowTheBaseIsRaisedToIt() {
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(new AuthConfigValue(4096, 3, 60, 2000, 1000, 10000), Map.of(),
                AuthSettings.DEFAULTS, problems);
        assertEquals(List.of("key 'failureDelayMaxMillis': 1000 is below failureDelayBaseMillis 2000; using 2000"),
                problems);
        assertEquals(Duration.ofMillis(2000), s.failureDelayMax());
    }
}
