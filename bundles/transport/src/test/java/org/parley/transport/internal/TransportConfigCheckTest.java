package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** What the admin console is told before it writes etc/org.parley.transport.cfg: what the running transport would refuse. */
class TransportConfigCheckTest {
    private ClientTransport transport;
    private int c2s;
    private int tls;

    @BeforeEach
    void start() throws Exception {
        c2s = freePort();
        tls = freePort();
        transport = new ClientTransport(ConfigurationChecks.typed(TransportConfig.class, config(c2s, tls)));
    }

    @AfterEach
    void stop() {
        transport.deactivate();
    }

    private static Map<String, Object> config(int c2sPort, int tlsPort) {
        return Map.of("bindAddress", "127.0.0.1", "c2sPort", Integer.toString(c2sPort), "c2sTlsPort", Integer.toString(tlsPort));
    }

    @Test
    void theConfigurationInForceAndAValidChangeAreAccepted() throws Exception {
        assertEquals(List.of(), transport.check(config(c2s, tls)), "its own ports are not probed");
        assertEquals(List.of(), transport.check(config(freePort(), tls)));
        assertEquals(List.of(), transport.check(Map.of("bindAddress", "127.0.0.1", "c2sPort", Integer.toString(c2s),
                "c2sTlsPort", "0", "maxStanzaBytes", "10000")));
    }

    @Test
    void theTransportsOwnRulesRefuse() {
        assertEquals(List.of(new ConfigurationProblem("c2sPort", "c2sPort and c2sTlsPort must differ, both are " + c2s)),
                transport.check(config(c2s, c2s)));
        assertEquals(List.of(new ConfigurationProblem("c2sPort", "c2sPort and c2sTlsPort are both 0: no client could connect")),
                transport.check(config(0, 0)));
        assertEquals(List.of(new ConfigurationProblem("maxStanzaBytes", "maxStanzaBytes must be at least 10000 (RFC 6120 section 13.12), got 9999")),
                transport.check(Map.of("maxStanzaBytes", "9999")));
    }

    @Test
    void aPortAnotherListenerHoldsIsRefused() throws Exception {
        try (ServerSocket components = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<ConfigurationProblem> problems = transport.check(config(components.getLocalPort(), tls));
            assertEquals(1, problems.size(), problems::toString);
            assertEquals("c2sPort", problems.get(0).key());
            assertTrue(problems.get(0).reason().startsWith("cannot listen on 127.0.0.1 port " + components.getLocalPort()), problems::toString);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
