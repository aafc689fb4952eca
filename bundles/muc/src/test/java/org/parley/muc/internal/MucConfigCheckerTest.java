package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.TestServerInfo;

class MucConfigCheckerTest {
    private final MucConfigChecker checker = new MucConfigChecker(TestServerInfo.of("example.org"));

    @Test
    void aHistoryLongerThanItsMaximumIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("historyLength", "must be between 0 and maxHistoryLength (200), got 300")),
                checker.check(Map.of("historyLength", "300")));
        assertEquals(List.of(new ConfigurationProblem("historyLength", "must be between 0 and maxHistoryLength (10), got 20")),
                checker.check(Map.of("historyLength", "20", "maxHistoryLength", "10")), "lowering the maximum below the length in force");
    }

    @Test
    void aSubdomainThatIsNoDnsLabelIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("subdomain", "must be one or more DNS labels (letters, digits, '-'), got 'chat rooms'")),
                checker.check(Map.of("subdomain", "chat rooms")));
        assertEquals("roomCreators", checker.check(Map.of("roomCreators", "nobody-knows")).get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("historyLength", "300", "maxHistoryLength", "300", "subdomain", "rooms")));
    }
}
