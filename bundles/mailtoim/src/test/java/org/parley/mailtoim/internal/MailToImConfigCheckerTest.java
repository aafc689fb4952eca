package org.parley.mailtoim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class MailToImConfigCheckerTest {
    private final MailToImConfigChecker checker = new MailToImConfigChecker();

    @Test
    void aRateBelowOneIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("perUserPerMinute", "must be at least 1, got 0")),
                checker.check(Map.of("perUserPerMinute", "0")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("perTokenPerMinute", "5", "perUserPerMinute", "5")));
    }
}
