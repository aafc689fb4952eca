package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class AuthConfigCheckerTest {
    private final AuthConfigChecker checker = new AuthConfigChecker();

    @Test
    void failureDelaysReversedAreRefusedWithTheReasonAndNoFallback() {
        assertEquals(List.of(new ConfigurationProblem("failureDelayMaxMillis", "500 is below failureDelayBaseMillis 1000")),
                checker.check(Map.of("failureDelayBaseMillis", "1000", "failureDelayMaxMillis", "500")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("failureDelayBaseMillis", "1000", "failureDelayMaxMillis", "1000")));
    }
}
