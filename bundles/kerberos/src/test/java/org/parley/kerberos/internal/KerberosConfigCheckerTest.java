package org.parley.kerberos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class KerberosConfigCheckerTest {
    private final KerberosConfigChecker checker = new KerberosConfigChecker(Path.of("/tmp"));

    @Test
    void aKeytabWithoutItsPrincipalIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("principal", "is required with a keytab: the service principal, xmpp/<host>@<REALM>")),
                checker.check(Map.of("keytab", "xmpp.keytab")));
    }

    @Test
    void noKeytabIsValid() {
        assertEquals(List.of(), checker.check(Map.of()));
    }
}
