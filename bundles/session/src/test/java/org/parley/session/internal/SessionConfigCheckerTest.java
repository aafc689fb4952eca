package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class SessionConfigCheckerTest {
    private final SessionConfigChecker checker = new SessionConfigChecker();

    @Test
    void aMalformedNetworkIsRefusedWithTheKeyAndTheEntry() {
        assertEquals(List.of(new ConfigurationProblem("allowNetworks", "'10.0.0.0/33': the prefix length must be 0 to 32")),
                checker.check(Map.of("allowNetworks", "192.168.0.0/16, 10.0.0.0/33")));
        assertEquals(List.of(new ConfigurationProblem("denyNetworks", "'10.0.0.1/8' has host bits set: did you mean 10.0.0.0/8?")),
                checker.check(Map.of("denyNetworks", "10.0.0.1/8")));
    }

    @Test
    void bothOfTheCoresChecksAreAskedAndEachProblemIsGiven() {
        List<ConfigurationProblem> problems = checker.check(Map.of("authTimeoutSeconds", "0", "networkRefusal", "drop"));
        assertEquals(2, problems.size(), problems::toString);
        assertEquals("authTimeoutSeconds", problems.get(0).key());
        assertEquals(new ConfigurationProblem("networkRefusal", "'drop' is neither 'stream-error' nor 'close'"), problems.get(1));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("allowNetworks", "10.0.0.0/8, 2001:db8::/32", "networkRefusal", "close")));
    }
}
