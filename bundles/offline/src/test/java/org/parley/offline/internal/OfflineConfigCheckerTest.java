package org.parley.offline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class OfflineConfigCheckerTest {
    private final OfflineConfigChecker checker = new OfflineConfigChecker();

    @Test
    void aQuotaTooSmallIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("maxBytesPerUser", "must be at least 1024, got 100")),
                checker.check(Map.of("maxBytesPerUser", "100")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("maxMessagesPerUser", "10", "maxBytesPerUser", "1024")));
    }
}
