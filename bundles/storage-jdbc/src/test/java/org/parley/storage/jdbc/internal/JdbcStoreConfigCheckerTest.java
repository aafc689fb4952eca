package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class JdbcStoreConfigCheckerTest {
    private final JdbcStoreConfigChecker checker = new JdbcStoreConfigChecker("/tmp/parley-data");

    @Test
    void anUnsupportedDatabaseIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("url",
                "unsupported JDBC URL 'jdbc:mysql://db/parley' (expected jdbc:h2:... or jdbc:postgresql:...)")),
                checker.check(Map.of("url", "jdbc:mysql://db/parley")));
    }

    @Test
    void theEmbeddedDefaultIsValid() {
        assertEquals(List.of(), checker.check(Map.of()));
    }
}
