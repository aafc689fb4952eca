package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The usage bundle replaced through deploy/ while two users talk: the samples of the last hours
 * go to its successor through the state handoff, the week's users stay counted once, a sign-in
 * during the upgrade is counted, and the users' messages all arrive once, on their first sessions.
 */
class UsageUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern THIS_WEEK = Pattern.compile("(?m)^\\d{4}-W\\d{2}\\s+\\d{4}-\\d{2}-\\d{2}\\s+(\\d+)$");

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.usage.cfg", "sampleSeconds", 1).build();

    private static long thisWeek() throws Exception {
        ParleyServer.CliResult r = server.cli("usage", "weeks", "1");
        Matcher m = THIS_WEEK.matcher(r.stdout());
        assertTrue(m.find(), r.toString());
        return Long.parseLong(m.group(1));
    }

    /** The oldest sample's line. */
    private static String oldestSample() throws Exception {
        return server.cli("usage", "history").stdout().split("\n")[1];
    }

    private static int samples() throws Exception {
        return server.cli("usage", "history").stdout().split("\n").length - 1; // less the heading
    }

    @Test
    void replacingTheUsageBundleKeepsItsHistoryAndTheWeekAndEveryMessage() throws Exception {
        XMPPTCPConnection alice = server.login(server.newAccount("uu"), "a");
        XMPPTCPConnection bob = server.login(server.newAccount("uu"), "b");
        Set<String> received = new HashSet<>();
        AtomicInteger duplicates = new AtomicInteger();
        bob.addSyncStanzaListener(s -> {
            String body = ((org.jivesoftware.smack.packet.Message) s).getBody();
            synchronized (received) {
                if (!received.add(body)) {
                    duplicates.incrementAndGet();
                }
            }
        }, s -> s instanceof org.jivesoftware.smack.packet.Message m && m.getBody() != null);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    alice.sendStanza(Xmpp.chat(alice, bob.getUser().asEntityBareJid(), "m" + sent.get()));
                    sent.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((samples() < 4 || thisWeek() < 2) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        int samplesBefore = samples();
        String oldest = oldestSample();
        assertTrue(samplesBefore >= 4, "samples before: " + samplesBefore);
        assertEquals(2, thisWeek());

        long logBefore = server.logSize();
        Path upgrade = server.base().resolve("usage-99.jar");
        Bundles.copyWithVersion(Bundles.parleyJar(server.dist(), "usage"), upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded org.parley.usage from", WAIT);
        XMPPTCPConnection carol = server.login(server.newAccount("uu"), "c");
        Thread.sleep(1500);
        running.set(false);
        sender.join(5000);
        Xmpp.pingServer(alice);
        Xmpp.pingServer(bob);

        assertEquals(oldest, oldestSample(), "the successor starts from its predecessor's samples");
        assertTrue(samples() >= samplesBefore, "the successor kept the samples: " + samples() + " < " + samplesBefore);
        deadline = System.nanoTime() + WAIT.toNanos();
        while (thisWeek() != 3 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(3, thisWeek(), "alice and bob once, and carol who signed in after the upgrade");
        deadline = System.nanoTime() + WAIT.toNanos();
        while (received.size() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(sent.get(), received.size(), "every message arrived");
        assertEquals(0, duplicates.get(), "none twice");
        assertTrue(alice.isConnected() && bob.isConnected() && carol.isConnected(), "no session ended");
        assertTrue(server.logSince(logBefore).contains("org.parley.usage"), "the upgrade was logged");
    }
}
