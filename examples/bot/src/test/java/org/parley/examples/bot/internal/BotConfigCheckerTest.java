package org.parley.examples.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class BotConfigCheckerTest {
    private final BotConfigChecker checker = new BotConfigChecker();

    @Test
    void aSubdomainOfTwoLabelsIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("subdomain", "'b.ot' is not one DNS label (a-z, 0-9, -)")),
                checker.check(Map.of("subdomain", "b.ot")));
    }

    @Test
    void theDefaultsAreValid() {
        assertEquals(List.of(), checker.check(Map.of()));
    }
}
