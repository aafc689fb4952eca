package org.parley.serviceadmin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.TestServerInfo;

class AdminsCheckerTest {
    private final AdminsChecker checker = new AdminsChecker(TestServerInfo.of("example.org"));

    @Test
    void anEntryThatIsNoAccountIsRefused() {
        List<ConfigurationProblem> problems = checker.check(Map.of("admins", "alice, example.org/resource"));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("admins", problems.get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("admins", "alice, bob@example.org")));
    }
}
