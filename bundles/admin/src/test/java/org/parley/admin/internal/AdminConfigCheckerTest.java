package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.TestServerInfo;

class AdminConfigCheckerTest {
    private final AdminConfigChecker checker = new AdminConfigChecker(TestServerInfo.of("example.org"));

    @Test
    void anAdminOfAnotherDomainIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("admins", "'bob@other.org' is not an account of the served domain example.org")),
                checker.check(Map.of("admins", "alice, bob@other.org")));
        assertEquals("sessionIdleSeconds", checker.check(Map.of("sessionIdleSeconds", "5")).get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("admins", "alice, bob@example.org")));
    }
}
