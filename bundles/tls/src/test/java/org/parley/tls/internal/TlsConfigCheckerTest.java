package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class TlsConfigCheckerTest {
    private final TlsConfigChecker checker = new TlsConfigChecker(Path.of("/tmp"));

    @Test
    void clientCertificatesRequiredWithNoAuthorityIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("requireClientCertificates",
                "true needs clientCaCertificates: with no authority to trust, no client could connect")),
                checker.check(Map.of("requireClientCertificates", "true")));
    }

    @Test
    void theDefaultsAreValid() {
        assertEquals(List.of(), checker.check(Map.of()));
    }
}
