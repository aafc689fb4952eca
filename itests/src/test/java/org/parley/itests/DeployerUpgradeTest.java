package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployer, which watches deploy/, upgrades itself through deploy/ like any other bundle and
 * deploy/ keeps working afterwards. Its upgrade used to go unreported while FileInstall's watcher
 * logged ClosedWatchServiceException in a loop, 2,500 ERROR lines a second, and installed nothing
 * more until a restart.
 */
class DeployerUpgradeTest {
    private static final String NEW_VERSION = "99.0.0";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far more than the few lines an upgrade writes, far less than a watcher that spins writes in seconds. */
    private static final long QUIET_LOG_BYTES = 64 * 1024;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void upgradingTheDeployerThroughDeployKeepsDeployWorkingForTheNextUpgrade() throws Exception {
        XMPPTCPConnection client = server.login(server.newAccount("operator"));
        String streamId = client.getStreamId();
        Path deployerJar = Bundles.parleyJar(server.dist(), "deployer");
        Path imJar = Bundles.imJar(server.dist());
        String shippedDeployer = Bundles.version(deployerJar);
        String shippedIm = Bundles.version(imJar);
        assertEquals(shippedIm, Xmpp.serverVersion(client).getVersion());
        long logBefore = server.logSize();

        Path deployer = drop(deployerJar, "parley-deployer-" + NEW_VERSION + ".jar");
        server.awaitLog(logBefore, "Upgraded org.parley.deployer from " + shippedDeployer + " to " + NEW_VERSION, WAIT);

        Path im = drop(imJar, "parley-im-" + NEW_VERSION + ".jar");
        assertEquals(NEW_VERSION, Xmpp.awaitServerVersion(client, NEW_VERSION, WAIT), "im upgraded by the new deployer");
        server.awaitLog(logBefore, "Upgraded org.parley.im from " + shippedIm + " to " + NEW_VERSION, WAIT);

        // Taking the deployer's jar out reverts it, and the reverted deployer still serves deploy/.
        Files.delete(deployer);
        server.awaitLog(logBefore, "Reverted org.parley.deployer from " + NEW_VERSION + " to " + shippedDeployer, WAIT);
        Files.delete(im);
        assertEquals(shippedIm, Xmpp.awaitServerVersion(client, shippedIm, WAIT), "im reverted by the reverted deployer");

        Thread.sleep(2000); // two polls of the watcher: time to spin, if it were spinning
        String log = server.logSince(logBefore);
        assertFalse(log.contains("serious trouble") || log.contains("ClosedWatchServiceException"), log);
        assertFalse(log.contains(" ERROR "), log);
        long written = server.logSize() - logBefore;
        assertTrue(written < QUIET_LOG_BYTES, () -> written + " bytes of log:\n" + log);
        assertTrue(client.isAuthenticated());
        assertEquals(streamId, client.getStreamId(), "the client kept its stream through all four changes");
        System.out.println("deployer upgrade: log during the test:\n" + log);
    }

    /**
     * An upgrade lasts as long as its jar is in deploy/: one taken out while the server is stopped
     * is not applied at the next start (the framework's storage is cleaned at each start and the
     * bundles come from system/ and deploy/ as they are then), and one left in is applied again.
     */
    @Test
    void afterARestartAnUpgradeRunsOnlyWhileItsJarIsInDeploy() throws Exception {
        Path imJar = Bundles.imJar(server.dist());
        String shippedIm = Bundles.version(imJar);
        long logBefore = server.logSize();
        Path im = drop(imJar, "parley-im-" + NEW_VERSION + ".jar");
        server.awaitLog(logBefore, "Upgraded org.parley.im from " + shippedIm + " to " + NEW_VERSION, WAIT);

        assertEquals(0, server.stop(Duration.ofSeconds(60)), "a clean stop");
        server.start();
        XMPPTCPConnection kept = server.login(server.newAccount("after-first-restart"));
        assertEquals(NEW_VERSION, Xmpp.awaitServerVersion(kept, NEW_VERSION, WAIT), "the jar in deploy/ upgrades im again");

        assertEquals(0, server.stop(Duration.ofSeconds(60)), "a clean stop");
        Files.delete(im);
        long logAtStart = server.logSize();
        server.start();
        XMPPTCPConnection client = server.login(server.newAccount("after-second-restart"));
        assertEquals(shippedIm, Xmpp.awaitServerVersion(client, shippedIm, WAIT), "im runs its own jar once its upgrade is gone");
        assertFalse(server.logSince(logAtStart).contains(" ERROR "), server.logSince(logAtStart));
    }

    /** Puts a copy of {@code shipped} with the new version into deploy/ in one move, so FileInstall never sees half a jar. */
    private static Path drop(Path shipped, String name) throws Exception {
        Path staged = server.base().resolve(name);
        Bundles.copyWithVersion(shipped, staged, NEW_VERSION);
        Path target = server.base().resolve("deploy").resolve(name);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
