package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mail hook's durable queue against a real SMTP server that is away: the mail waits, is
 * retried with backoff and arrives once when the server is back, also after a restart of Parley
 * and after an upgrade of the mailhook bundle; the offline message itself is kept as always.
 */
class MailQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAIL_DOMAIN = "queue.test";
    private static final MailServer smtp = new MailServer(); // down until a test brings it up

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailhook")
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", smtp.port())
            .set("org.parley.mailhook.cfg", "smtpSecurity", "none")
            .set("org.parley.mailhook.cfg", "smtpTimeoutSeconds", 5)
            .set("org.parley.mailhook.cfg", "recipientTemplate", "{localpart}@" + MAIL_DOMAIN)
            .set("org.parley.mailhook.cfg", "retryInitialSeconds", 1)
            .set("org.parley.mailhook.cfg", "retryMaxSeconds", 2)
            .build();

    @AfterEach
    void smtpDown() {
        smtp.stop();
    }

    private static String address(Account account) {
        return account.local().toLowerCase() + "@" + MAIL_DOMAIN;
    }

    /** Sends while SMTP is down and waits until the hook has failed to hand the mail over the given number of times. */
    private static void sendWhileSmtpIsDown(XMPPTCPConnection from, Account to, int failures) throws Exception {
        long offset = server.logSize();
        from.sendStanza(Xmpp.chat(from, to.bareJid(), "are you there?"));
        Xmpp.pingServer(from); // no error: the message is stored whatever the mail does
        server.awaitLog(offset, "(attempt " + failures + ")", WAIT);
    }

    private static void assertOneMailArrives(Account to) throws Exception {
        smtp.awaitMailsTo(address(to), 1, WAIT);
        Thread.sleep(3000); // past more than one retry period: a second copy would have come
        assertEquals(1, smtp.mailsTo(address(to)).size(), "sent once");
    }

    private static void assertTheMessageWaited(Account juliet) throws Exception {
        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "home").setSendPresence(false).build());
        Inbox inbox = Inbox.of(j);
        j.sendStanza(Xmpp.available(j, 0));
        assertEquals("are you there?", inbox.next(WAIT, "the offline message").getBody(), "the mail failure did not touch it");
        j.disconnect();
    }

    @Test
    void smtpDownThenUpDeliversTheMailOnce() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("q-romeo"));
        Account juliet = server.newAccount("q-juliet");
        sendWhileSmtpIsDown(romeo, juliet, 2); // refused, then refused again after the backoff
        smtp.start();
        assertOneMailArrives(juliet);
        assertTheMessageWaited(juliet);
    }

    @Test
    void mailQueuedBeforeARestartIsDeliveredAfterIt() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("r-romeo"));
        Account juliet = server.newAccount("r-juliet");
        sendWhileSmtpIsDown(romeo, juliet, 1);
        romeo.disconnect();
        assertEquals(0, server.stop(Duration.ofSeconds(30)), "a clean stop");
        smtp.start();
        server.start();
        assertOneMailArrives(juliet);
        assertTheMessageWaited(juliet);
    }

    @Test
    void mailQueuedBeforeAnUpgradeOfTheBundleIsDeliveredByTheNewVersion() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("u-romeo"));
        Account juliet = server.newAccount("u-juliet");
        sendWhileSmtpIsDown(romeo, juliet, 1);

        long offset = server.logSize();
        Path upgrade = server.base().resolve("mailhook-99.jar");
        Bundles.copyWithVersion(Bundles.parleyJar(server.dist(), "mailhook"), upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(offset, "Upgraded org.parley.mailhook from", WAIT);
        smtp.start();
        assertOneMailArrives(juliet);
        assertTrue(server.logSince(offset).contains("Mailed " + juliet.jid()), server.logSince(offset));

        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "still there?"));
        Xmpp.pingServer(romeo);
        Thread.sleep(1500);
        assertEquals(1, smtp.mailsTo(address(juliet)).size(), "the new version knows this sender was mailed moments ago");
    }
}
