package org.parley.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class ServerConfigCheckerTest {
    private final ServerConfigChecker checker = new ServerConfigChecker();

    @Test
    void aDomainThatIsNoDomainIsRefusedByKey() {
        List<ConfigurationProblem> problems = checker.check(Map.of("domain", "chat example.org"));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("domain", problems.get(0).key());
    }

    @Test
    void aDomainIsAccepted() {
        assertEquals(List.of(), checker.check(Map.of("domain", "chat.example.org")));
    }
}
