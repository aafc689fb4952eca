package org.parley.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageConfigCheckerTest {
    private final UsageConfigChecker checker = new UsageConfigChecker();

    @Test
    void aValueOutOfItsBoundsIsRefusedByKey() {
        assertEquals("historyHours", checker.check(Map.of("historyHours", "169")).get(0).key());
        assertEquals("'many' is not a number", checker.check(Map.of("historyHours", "many")).get(0).reason());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("historyHours", "168")));
    }
}
