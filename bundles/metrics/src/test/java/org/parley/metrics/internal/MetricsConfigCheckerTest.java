package org.parley.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class MetricsConfigCheckerTest {
    private final MetricsConfigChecker checker = new MetricsConfigChecker();

    @Test
    void aPathThatIsNoPathIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("path", "'metrics page' is not a path such as /metrics")),
                checker.check(Map.of("path", "metrics page")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("bindAddress", "127.0.0.1", "port", "9464", "path", "/metrics")));
    }
}
