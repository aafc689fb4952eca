package org.parley.register.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class RegisterConfigCheckerTest {
    private final RegisterConfigChecker checker = new RegisterConfigChecker();

    @Test
    void aMalformedNetworkIsRefusedWithTheKeyAndTheReason() {
        assertEquals(List.of(new ConfigurationProblem("allowNetworks", "'10.0.0.0/33': the prefix length must be 0 to 32")),
                checker.check(Map.of("allowNetworks", "10.0.0.0/33")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("allowNetworks", "192.168.1.0/24, fd00::/8")));
    }
}
