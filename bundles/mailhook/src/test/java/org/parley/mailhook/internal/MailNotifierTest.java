package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.mailhook.internal.Configs.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** The notifier against a real SMTP server (GreenMail) on a loopback port. */
class MailNotifierTest {
    private static final Instant AT = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path dir;
    private TestSqlDatabase database;
    private GreenMail smtp;
    private int port;
    private MailNotifier notifier;

    @BeforeEach
    void start() throws IOException {
        database = TestSqlDatabase.h2(dir);
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS);
        port = freePort();
        smtp = new GreenMail(serverSetup(port, ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.close();
        }
        smtp.stop();
    }

    private MailNotifier notifier(Object... config) {
        Object[] all = new Object[config.length + 6];
        System.arraycopy(new Object[] {"smtpHost", "127.0.0.1", "smtpPort", port, "smtpSecurity", "none"}, 0, all, 0, 6);
        System.arraycopy(config, 0, all, 6, config.length);
        MailSettings settings = MailSettings.from(config(all), "example.edu");
        notifier = new MailNotifier(settings, new Outbox(database.dataSource()), new Preferences(database.dataSource(), Clock.systemUTC()), MailNotifier.mailThread(),
                new SmtpMailer(), Clock.fixed(AT, ZoneOffset.UTC));
        notifier.start();
        return notifier;
    }

    @Test
    void aStoredMessageGivesOneMailSayingWhoWroteButNotWhat() throws Exception {
        notifier("recipientTemplate", "{localpart}@mail.example.edu", "from", "Parley <xmpp@example.edu>")
                .stored(Events.stored("bob@example.edu", "alice@example.edu/phone", "the secret plan", 3, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertEquals("bob@mail.example.edu", ((InternetAddress) mail.getAllRecipients()[0]).getAddress());
        assertEquals("xmpp@example.edu", ((InternetAddress) mail.getFrom()[0]).getAddress());
        assertEquals("New message from alice@example.edu", mail.getSubject());
        assertEquals("auto-generated", mail.getHeader("Auto-Submitted", null));
        String body = (String) mail.getContent();
        assertTrue(body.contains("alice@example.edu wrote to you (bob@example.edu)"), body);
        assertTrue(body.contains("3 messages are waiting"), body);
        assertFalse(body.contains("secret"), "the text is left out by default: " + body);
        assertFalse(body.contains("phone"), "the sender's resource is not told: " + body);
    }

    @Test
    void theTextIsInTheMailWhenTheOperatorAllowsIt() throws Exception {
        notifier("includeText", true).stored(Events.stored("bob@example.edu", "alice@example.edu/phone", "lunch at één?", 1, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        String body = (String) smtp.getReceivedMessages()[0].getContent();
        assertTrue(body.contains("lunch at één?"), "UTF-8 text arrives intact: " + body);
        assertTrue(body.contains("1 message is waiting"), body);
    }

    @Test
    void aBurstFromOneSenderGivesOneMail() throws Exception {
        MailNotifier n = notifier();
        for (int i = 1; i <= 20; i++) {
            n.stored(Events.stored("bob@example.edu", "alice@example.edu/phone", "message " + i, i, AT));
        }
        n.stored(Events.stored("bob@example.edu", "carol@example.edu/laptop", "from carol", 21, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        Thread.sleep(500); // a third mail would have arrived by now
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertEquals(2, mails.length);
        assertEquals(java.util.Set.of("New message from alice@example.edu", "New message from carol@example.edu"),
                java.util.Set.of(mails[0].getSubject(), mails[1].getSubject()));
    }

    @Test
    void aRecipientWithNoAddressGetsNoMailAndOthersStillDo() throws Exception {
        MailNotifier n = notifier("recipientTemplate", "{localpart}@example.edu");
        n.stored(Events.stored("a\\20b(c)@example.edu", "alice@example.edu", "hi", 1, AT));
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        Thread.sleep(300);
        assertEquals(1, smtp.getReceivedMessages().length);
        assertEquals("bob@example.edu", ((InternetAddress) smtp.getReceivedMessages()[0].getAllRecipients()[0]).getAddress());
    }

    @Test
    void aUserWhoTurnedMailOffGetsNoneAndOthersStillDo() throws Exception {
        new Preferences(database.dataSource(), Clock.systemUTC()).enabled("bob", false);
        MailNotifier n = notifier();
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, AT));
        n.stored(Events.stored("carol@example.edu", "alice@example.edu", "hi", 1, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        Thread.sleep(500);
        assertEquals(1, smtp.getReceivedMessages().length);
        assertEquals("carol@example.edu", ((InternetAddress) smtp.getReceivedMessages()[0].getAllRecipients()[0]).getAddress());
    }

    @Test
    void aRefusedConfigurationSendsNothingAndThrowsNothing() throws Exception {
        notifier = new MailNotifier(null, new Outbox(database.dataSource()), new Preferences(database.dataSource(), Clock.systemUTC()), MailNotifier.mailThread(),
                new SmtpMailer(), Clock.systemUTC());
        notifier.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, AT));
        assertNull(notifier.settings());
        assertFalse(smtp.waitForIncomingEmail(500, 1));
    }

    @Test
    void aChangedConfigurationAppliesToTheNextMail() throws Exception {
        MailNotifier n = notifier();
        n.settings(MailSettings.from(config("smtpHost", "127.0.0.1", "smtpPort", port, "smtpSecurity", "none",
                "recipientTemplate", "{localpart}+xmpp@other.example"), "example.edu"));
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, AT));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        assertEquals("bob+xmpp@other.example", ((InternetAddress) smtp.getReceivedMessages()[0].getAllRecipients()[0]).getAddress());
    }

    /**
     * A GreenMail server setup on loopback that may take 30 s to start: its default of 2 s fails
     * on a busy machine (SMTPS makes its TLS server socket then), which is not what is tested.
     */
    static ServerSetup serverSetup(int port, String protocol) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
