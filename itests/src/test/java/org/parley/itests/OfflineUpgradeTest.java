package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for offline storage: the offline bundle is replaced through deploy/ while two
 * connected users keep writing to a third who is offline. While it is away, routing holds their
 * messages for its successor: no sender gets an error, and when the recipient signs in she gets
 * every message once, those sent during the upgrade included.
 */
class OfflineUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.offline.cfg", "maxMessagesPerUser", 100_000).build();

    /** Sends numbered chat messages every 10 ms until stopped. */
    private static final class Sender extends Thread {
        final XMPPTCPConnection connection;
        final Account to;
        final String name;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger sent = new AtomicInteger();
        final List<String> errors;

        Sender(XMPPTCPConnection connection, Account to, String name, List<String> errors) {
            this.connection = connection;
            this.to = to;
            this.name = name;
            this.errors = errors;
            connection.addSyncStanzaListener(s -> errors.add(name + " got " + s.toXML()),
                    s -> s instanceof Message m && m.getType() == Message.Type.error);
        }

        @Override
        public void run() {
            try {
                while (running.get()) {
                    connection.sendStanza(Xmpp.chat(connection, to.bareJid(), name + " " + sent.get()));
                    sent.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                errors.add(name + ": sending failed: " + e);
            }
        }
    }

    @Test
    void replacingOfflineStorageUnderTrafficLosesNothingAndStoresNothingTwice() throws Exception {
        Account juliet = server.newAccount("up-juliet");
        List<String> errors = new CopyOnWriteArrayList<>();
        Sender romeo = new Sender(server.login(server.newAccount("up-romeo")), juliet, "romeo", errors);
        Sender mercutio = new Sender(server.login(server.newAccount("up-mercutio")), juliet, "mercutio", errors);
        long logBefore = server.logSize();
        romeo.start();
        mercutio.start();
        Thread.sleep(1000);

        Path shipped = Bundles.parleyJar(server.dist(), "offline");
        Path upgrade = server.base().resolve("offline-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded org.parley.offline from", WAIT);
        Thread.sleep(1000);
        romeo.running.set(false);
        mercutio.running.set(false);
        romeo.join(5000);
        mercutio.join(5000);
        Xmpp.pingServer(romeo.connection); // every message sent before the ping was stored or refused
        Xmpp.pingServer(mercutio.connection);
        String log = server.logSince(logBefore);
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.get(0) + "\n" + log);

        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "home").setSendPresence(false).build());
        Inbox inbox = Inbox.of(j);
        j.sendStanza(Xmpp.available(j, 0));
        int total = romeo.sent.get() + mercutio.sent.get();
        Map<String, Integer> seen = new TreeMap<>();
        List<String> outOfOrder = new ArrayList<>();
        Map<String, Integer> last = new TreeMap<>();
        for (int i = 0; i < total; i++) {
            String body = inbox.next(WAIT, "offline message " + (i + 1) + " of " + total).getBody();
            seen.merge(body, 1, Integer::sum);
            String who = body.substring(0, body.indexOf(' '));
            int n = Integer.parseInt(body.substring(body.indexOf(' ') + 1));
            if (n <= last.getOrDefault(who, -1)) {
                outOfOrder.add(body);
            }
            last.put(who, n);
        }
        romeo.connection.sendStanza(Xmpp.chat(romeo.connection, juliet.bareJid(), "after"));
        assertEquals("after", inbox.next(WAIT, "the live message after the offline ones").getBody(), "nothing more was stored");

        List<String> missing = new ArrayList<>();
        for (Sender s : List.of(romeo, mercutio)) {
            for (int i = 0; i < s.sent.get(); i++) {
                if (!seen.containsKey(s.name + " " + i)) {
                    missing.add(s.name + " " + i);
                }
            }
        }
        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(missing.isEmpty() && twice.isEmpty(), "missing " + missing + ", twice " + twice + "\n" + log);
        assertTrue(outOfOrder.isEmpty(), "each sender's messages in the order sent: " + outOfOrder);
        assertTrue(total > 100, "traffic went on through the upgrade: " + total);
        System.out.println("offline upgrade: " + total + " messages stored across the upgrade, each delivered once; log:\n" + log);
    }
}
