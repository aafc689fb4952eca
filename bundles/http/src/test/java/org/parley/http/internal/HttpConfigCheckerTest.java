package org.parley.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class HttpConfigCheckerTest {
    private final HttpConfigChecker checker = new HttpConfigChecker();

    @Test
    void anEmptyAddressIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("bindAddress", "must name an address, such as 127.0.0.1")),
                checker.check(Map.of("bindAddress", " ")));
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("bindAddress", "127.0.0.1", "port", "8443")));
    }
}
