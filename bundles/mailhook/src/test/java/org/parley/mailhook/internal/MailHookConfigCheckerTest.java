package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.TestServerInfo;

class MailHookConfigCheckerTest {
    private final MailHookConfigChecker checker = new MailHookConfigChecker(TestServerInfo.of("example.edu"), (java.nio.file.Path) null);

    @Test
    void retryDelaysReversedAreRefusedWithTheHooksReason() {
        assertEquals(List.of(new ConfigurationProblem("retryMaxSeconds", "30 is less than retryInitialSeconds (60)")),
                checker.check(Map.of("retryInitialSeconds", "60", "retryMaxSeconds", "30")));
    }

    @Test
    void anAddressThatIsNoMailAddressIsRefused() {
        List<ConfigurationProblem> problems = checker.check(Map.of("from", "not an address"));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("from", problems.get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("retryInitialSeconds", "60", "retryMaxSeconds", "60", "from", "im@example.edu")));
    }
}
