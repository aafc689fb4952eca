package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mailhook bundle replaced through deploy/ while three users write every 10 ms to three users
 * who are away: no sender gets an error or loses its session, every message is kept once and in
 * order, and each recipient gets exactly one mail per sender (the successor keeps the rate limit).
 */
class MailHookUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAIL_DOMAIN = "upgrade.test";
    private static final MailServer smtp = new MailServer();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailhook")
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", smtp.port())
            .set("org.parley.mailhook.cfg", "smtpSecurity", "none")
            .set("org.parley.mailhook.cfg", "recipientTemplate", "{localpart}@" + MAIL_DOMAIN)
            .build();

    @BeforeAll
    static void startSmtp() {
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private static final class Sender extends Thread {
        final AtomicBoolean running = new AtomicBoolean(true);
        final XMPPTCPConnection connection;
        final Account to;
        final String name;
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
    void replacingTheHookUnderTrafficSendsEachMailOnceAndLosesNoMessage() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Account recipient = server.newAccount("upg-away" + i);
            senders.add(new Sender(server.login(server.newAccount("upg-writer" + i)), recipient, "writer" + i, errors));
        }
        long logBefore = server.logSize();
        senders.forEach(Thread::start);
        for (Sender s : senders) {
            smtp.awaitMailsTo(s.to.local().toLowerCase() + "@" + MAIL_DOMAIN, 1, WAIT); // told before the swap
        }

        Path upgrade = server.base().resolve("mailhook-99.jar");
        Bundles.copyWithVersion(Bundles.parleyJar(server.dist(), "mailhook"), upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded org.parley.mailhook from", WAIT);
        Thread.sleep(1500);
        for (Sender s : senders) {
            s.running.set(false);
        }
        for (Sender s : senders) {
            s.join(5000);
            Xmpp.pingServer(s.connection); // every message sent before the ping was stored or refused
        }
        Thread.sleep(1500); // a second mail, if any, would have come by now
        String log = server.logSince(logBefore);
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.get(0) + "\n" + log);

        int total = 0;
        for (Sender s : senders) {
            assertTrue(s.connection.isConnected() && s.connection.isAuthenticated(), s.name + " kept its session");
            assertEquals(1, smtp.mailsTo(s.to.local().toLowerCase() + "@" + MAIL_DOMAIN).size(), "one mail to " + s.to.local());
            XMPPTCPConnection r = server.login(server.smackConfig(s.to, "home").setSendPresence(false).build());
            Inbox inbox = Inbox.of(r);
            r.sendStanza(Xmpp.available(r, 0));
            for (int n = 0; n < s.sent.get(); n++) {
                assertEquals(s.name + " " + n, inbox.next(WAIT, s.name + "'s message " + n + " of " + s.sent.get()).getBody());
            }
            s.connection.sendStanza(Xmpp.chat(s.connection, s.to.bareJid(), "after"));
            assertEquals("after", inbox.next(WAIT, "the live message after the kept ones").getBody(), "nothing was kept twice");
            total += s.sent.get();
        }
        assertTrue(log.contains("org.parley.mailhook 99.0.0 took the state"), log);
        System.out.println("MailHookUpgradeTest: " + total + " messages across the swap, each kept once, one mail per pair");
    }
}
