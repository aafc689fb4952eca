package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dropping a newer im bundle into deploy/ replaces it in the running server: clients stay
 * connected, and iq requests for its namespaces that arrive while it is being replaced are held
 * (handlerGraceMillis) and answered by the new version instead of being refused.
 */
class LiveUpgradeTest {
    private static final String NEW_VERSION = "99.0.0";
    private static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void upgradingImKeepsClientsConnectedAndNoPingIsRefusedAndRemovingTheJarRevertsIt() throws Exception {
        Path shipped = Bundles.imJar(server.dist());
        assertEquals("org.parley.im", Bundles.symbolicName(shipped));
        String oldVersion = Bundles.version(shipped);
        XMPPTCPConnection client = server.login(server.newAccount("upgrade"));
        assertEquals(oldVersion, Xmpp.serverVersion(client).getVersion());
        List<String> connectionEvents = new CopyOnWriteArrayList<>();
        client.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(XMPPConnection c) {
                connectionEvents.add("connected");
            }

            @Override
            public void authenticated(XMPPConnection c, boolean resumed) {
                connectionEvents.add("authenticated");
            }

            @Override
            public void connectionClosed() {
                connectionEvents.add("closed");
            }

            @Override
            public void connectionClosedOnError(Exception e) {
                connectionEvents.add("closed on error: " + e);
            }
        });
        long logBefore = server.logSize();
        String streamId = client.getStreamId();

        Path upgrade = server.base().resolve("parley-im-" + NEW_VERSION + ".jar");
        Bundles.copyWithVersion(shipped, upgrade, NEW_VERSION);
        assertEquals(NEW_VERSION, Bundles.version(upgrade));
        Map<String, String> shippedFiles = Bundles.contents(shipped);
        Map<String, String> upgradeFiles = Bundles.contents(upgrade);
        shippedFiles.remove("META-INF/MANIFEST.MF");
        upgradeFiles.remove("META-INF/MANIFEST.MF");
        assertEquals(shippedFiles, upgradeFiles, "the new jar differs from the shipped one only in its manifest");

        Pinger pinger = new Pinger(client);
        pinger.start();
        // A move within one file system: FileInstall never sees half a jar.
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        String seen = awaitVersion(client, NEW_VERSION);
        // Keep pinging a moment past the switch: the new handlers must answer too.
        int answeredAtSwitch = pinger.answered.get();
        while (pinger.answered.get() < answeredAtSwitch + 20) {
            Xmpp.pingServer(client);
        }
        pinger.stopAndAwait();

        assertEquals(NEW_VERSION, seen, "the version answer after the upgrade");
        assertTrue(pinger.failures.isEmpty(), () -> pinger.failures.size() + " of " + pinger.sent.get()
                + " pings failed during the upgrade, first: " + pinger.failures.get(0) + "\n" + server.logSince(logBefore));
        assertTrue(pinger.answered.get() > 20, "pings answered: " + pinger.answered.get());
        assertTrue(connectionEvents.isEmpty(), "the client's connection went through " + connectionEvents);
        assertTrue(client.isAuthenticated());
        assertEquals(streamId, client.getStreamId(), "still the stream opened before the upgrade");
        assertTrue(server.login(server.newAccount("after-upgrade")).isAuthenticated(), "a new login after the upgrade");

        // Taking the jar out of deploy/ reverts to the distribution's im, again under the same client.
        Files.delete(server.base().resolve("deploy").resolve(upgrade.getFileName()));
        assertEquals(oldVersion, awaitVersion(client, oldVersion), "the version answer after removing the upgrade");
        assertTrue(server.logSince(logBefore).contains("Reverting org.parley.im"), server.logSince(logBefore));
        assertEquals(streamId, client.getStreamId(), "still the same stream after the revert");
        System.out.println("live upgrade: " + pinger.sent.get() + " pings, all answered with a result; log during the upgrade:\n"
                + server.logSince(logBefore));
    }

    private static String awaitVersion(XMPPTCPConnection client, String expected) throws Exception {
        try {
            return Xmpp.awaitServerVersion(client, expected, UPGRADE_TIMEOUT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + server.diagnostics(), e);
        }
    }

    /** Fires an XEP-0199 ping every few milliseconds without waiting, and records every answer. */
    private static final class Pinger extends Thread {
        final XMPPTCPConnection client;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<SmackFuture<IQ, Exception>> pending = new CopyOnWriteArrayList<>();
        volatile boolean running = true;

        Pinger(XMPPTCPConnection client) {
            super("pinger");
            this.client = client;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                try {
                    SmackFuture<IQ, Exception> f = client.sendIqRequestAsync(new Ping(client, Xmpp.SERVER), 15_000);
                    sent.incrementAndGet();
                    f.onSuccess(iq -> answered.incrementAndGet()).onError(e -> failures.add(e.toString()));
                    pending.add(f);
                    Thread.sleep(5);
                } catch (Exception e) {
                    failures.add("sending: " + e);
                    return;
                }
            }
        }

        void stopAndAwait() throws Exception {
            running = false;
            join(5000);
            for (SmackFuture<IQ, Exception> f : pending) {
                try {
                    f.get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // recorded by onError
                }
            }
            // The listeners run on Smack's executor: let them finish counting.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (answered.get() + failures.size() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(sent.get(), answered.get() + failures.size(), "every ping got an answer");
        }
    }
}
