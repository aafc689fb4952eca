package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * maxConnections: the client connections the server takes in all, whatever their address, so the
 * file descriptors it needs for itself are never taken by clients.
 */
class ConnectionCapacityTest {
    static final int MAX_CONNECTIONS = 3;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().transport("maxConnections", MAX_CONNECTIONS).build();

    @Test
    void aConnectionBeyondMaxConnectionsIsClosedAtOnceAndClosingOneFreesItsSlot() throws Exception {
        List<RawXmppClient> allowed = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                RawXmppClient c = server.raw();
                allowed.add(c);
                assertTrue(c.openStream().contains("starttls"), c::transcript);
            }

            try (RawXmppClient extra = server.raw()) {
                extra.sendAllowingClose(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
                assertTrue(extra.awaitClose(Duration.ofSeconds(3)), () -> "connection " + (MAX_CONNECTIONS + 1)
                        + " was not closed\n" + extra.transcript());
                assertFalse(extra.received().contains("<stream:features"), extra::transcript);
            }
            assertTrue(server.logSince(0).contains("connections are open, the most maxConnections allows"),
                    "the refusal was not logged");

            allowed.remove(0).close();
            assertTrue(server.aNewConnectionGetsFeaturesWithin(Duration.ofSeconds(5)), "closing a connection did not free its slot");
        } finally {
            allowed.forEach(RawXmppClient::close);
        }
    }
}
