package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core of the server replaced under load: the session core (which holds every stream and
 * session) and routing, each dropped into deploy/ while four clients (two of them with stream
 * management) send each other numbered messages every few milliseconds. Every message sent
 * arrives exactly once and in order, every client stays on the stream it opened, and a new client
 * signs in afterwards.
 */
class CoreUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"session", "routing"})
    void upgradingUnderTrafficLosesNothingDuplicatesNothingAndEndsNoSession(String module) throws Exception {
        List<XMPPTCPConnection> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            XMPPTCPConnection c = server.newConnection(server.smackConfig(server.newAccount(module + i), "r" + i).build());
            c.setUseStreamManagement(i % 2 == 0);
            c.connect();
            c.login();
            clients.add(c);
        }
        assertTrue(clients.get(0).isSmEnabled(), "client 0 uses stream management");
        long logBefore = server.logSize();
        try (Traffic traffic = new Traffic(clients, 10)) {
            traffic.start();
            Thread.sleep(1000);

            Path shipped = Bundles.parleyJar(server.dist(), module);
            String symbolicName = Bundles.symbolicName(shipped);
            Path upgrade = server.base().resolve(module + "-99.jar");
            Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
            int sentBefore = traffic.totalSent();
            Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            awaitLog(logBefore, "Upgraded " + symbolicName + " from");
            if (module.equals("session")) {
                awaitLog(logBefore, "Took over");
            }
            Thread.sleep(2000);
            traffic.stopAndAwaitDelivery(WAIT);

            String log = server.logSince(logBefore);
            assertNull(traffic.problems(), () -> traffic.problems() + "\nlog during the upgrade:\n" + log);
            assertTrue(traffic.totalSent() - sentBefore > 100, "traffic went on through the upgrade: " + traffic.totalSent());
            assertEquals(traffic.totalSent(), traffic.totalReceived());
            System.out.println("upgrade of " + module + ": " + traffic.totalSent() + " messages sent, " + traffic.totalReceived()
                    + " received, none lost or twice; log:\n" + log);
        }
        XMPPTCPConnection late = server.login(server.newAccount("after-" + module));
        assertTrue(late.isAuthenticated(), "a new sign-in after upgrading " + module);
        Xmpp.pingServer(late);
        for (XMPPTCPConnection c : clients) {
            Xmpp.pingServer(c);
            c.disconnect();
        }
        late.disconnect();
    }

    private static void awaitLog(long offset, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.logSince(offset).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the log within " + WAIT.toSeconds() + " s:\n" + server.logSince(offset));
    }
}
