package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class ExternalConfigCheckerTest {
    private final ExternalConfigChecker checker = new ExternalConfigChecker();

    @Test
    void anUnknownIdentitySourceIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("identities", "'uid' is none of xmppAddr, email, cn")),
                checker.check(Map.of("identities", "uid")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()));
        assertEquals(List.of(), checker.check(Map.of("identities", "email", "emailDomains", "example.edu")));
    }
}
