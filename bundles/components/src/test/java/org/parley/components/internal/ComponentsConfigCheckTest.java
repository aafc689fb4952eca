package org.parley.components.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** What the admin console is told before it writes etc/org.parley.components.cfg: what the listener would refuse. */
class ComponentsConfigCheckTest {
    @Test
    void aValidConfigurationIsAccepted() throws Exception {
        int free = freePort();
        assertEquals(List.of(), ComponentListener.check(Map.of("bindAddress", "127.0.0.1", "port", Integer.toString(free),
                "secret.gw.example.org", "s3cret"), null));
    }

    @Test
    void theSettingsRulesAreTheListenersOwn() {
        assertEquals(List.of(new ConfigurationProblem("tlsPort", "5347 is already 'port'")),
                ComponentListener.check(Map.of("port", "5347", "tlsPort", "5347"), null));
        assertEquals(List.of(new ConfigurationProblem("secret.gw.example.org", "the secret must not be empty")),
                ComponentListener.check(Map.of("secret.gw.example.org", " "), null));
    }

    @Test
    void aPortAnotherListenerHoldsIsRefusedUnlessItIsThisListenersOwn() throws Exception {
        try (ServerSocket transport = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = transport.getLocalPort();
            Map<String, Object> proposed = Map.of("bindAddress", "127.0.0.1", "port", Integer.toString(taken), "secret.gw.example.org", "x");
            List<ConfigurationProblem> problems = ComponentListener.check(proposed, null);
            assertEquals(1, problems.size(), problems::toString);
            assertEquals("port", problems.get(0).key());
            assertTrue(problems.get(0).reason().startsWith("cannot listen on 127.0.0.1 port " + taken), problems::toString);

            ComponentSettings held = ComponentSettings.from(ConfigurationChecks.typed(ComponentsConfig.class, proposed), proposed);
            assertEquals(List.of(), ComponentListener.check(proposed, held), "the port it listens on itself is not probed");
            assertEquals(List.of(), ComponentListener.check(Map.of("bindAddress", "127.0.0.1", "port", Integer.toString(taken)), null),
                    "with no component configured nothing listens, so the port is not probed");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
