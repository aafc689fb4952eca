package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN rule 6 for the bundles behind sign-in: replacing auth, storage-jdbc or tls in a running
 * server keeps connected users connected and talking, and new users can sign in afterwards
 * (which needs the new auth and storage bundles to work, and new connections get TLS from the
 * new tls bundle).
 */
class ServiceBundleUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"auth", "storage-jdbc", "tls"})
    void upgradingABundleKeepsUsersConnectedAndSignInWorking(String module) throws Exception {
        XMPPTCPConnection alice = server.login(server.newAccount("alice"));
        XMPPTCPConnection bob = server.login(server.newAccount("bob"));
        Inbox bobInbox = Inbox.of(bob);
        Xmpp.pingServer(alice);
        Xmpp.pingServer(bob);
        String aliceStream = alice.getStreamId();
        String bobStream = bob.getStreamId();
        long logBefore = server.logSize();

        Path shipped = Bundles.parleyJar(server.dist(), module);
        String symbolicName = Bundles.symbolicName(shipped);
        Path upgrade = server.base().resolve(module + "-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded " + symbolicName + " from", WAIT);

        assertTrue(alice.isAuthenticated() && bob.isAuthenticated(), "both users still signed in");
        assertEquals(aliceStream, alice.getStreamId(), "alice is on the stream she opened before the upgrade");
        assertEquals(bobStream, bob.getStreamId(), "bob is on the stream he opened before the upgrade");
        alice.sendStanza(Xmpp.chat(alice, bob.getUser().asBareJid(), "still here after " + module));
        Message got = bobInbox.next(WAIT, "a message sent after the upgrade");
        assertEquals("still here after " + module, got.getBody());

        // The new bundle serves sign-in: the account is created through it and logs in through it.
        XMPPTCPConnection carol = server.login(server.newAccount("carol"));
        assertTrue(carol.isAuthenticated(), "a new sign-in after upgrading " + module + "\n" + server.logSince(logBefore));
        carol.disconnect();
        alice.disconnect();
        bob.disconnect();
    }
}
