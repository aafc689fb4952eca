package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.mailhook.internal.Configs.config;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * STARTTLS toward a real relay (SubEthaSMTP, set up like a submission port: STARTTLS required
 * before anything else, AUTH only inside TLS): the mail goes over TLS to a relay whose certificate
 * is from the configured CA and names the host we connect to, and to no other; a relay that does
 * not offer STARTTLS gets nothing, the mail stays queued and is retried until one that does is
 * there.
 */
class StartTlsTest {
    @TempDir
    static Path etc;
    private static TestCa ca;
    private static SSLContext good;
    private static SSLContext otherName;
    private static SSLContext otherCa;

    @TempDir
    Path dir;
    private int port;
    private StartTlsRelay relay;
    private TestSqlDatabase database;
    private MailNotifier notifier;

    @BeforeAll
    static void certificates() throws Exception {
        ca = new TestCa("Parley test relay CA");
        ca.writePem(etc.resolve("relay-ca.pem"));
        good = ca.serverTls("127.0.0.1", "localhost");
        otherName = ca.serverTls("mail.elsewhere.test"); // the right CA, the wrong host
        otherCa = new TestCa("Someone else's CA").serverTls("127.0.0.1", "localhost"); // the right host, an unknown CA
    }

    @BeforeEach
    void port() throws Exception {
        port = MailNotifierTest.freePort();
    }

    @AfterEach
    void tearDown() {
        if (notifier != null) {
            notifier.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private MailSettings settings(String trusted, String password) {
        return MailSettings.from(config("smtpHost", "127.0.0.1", "smtpPort", port, "smtpSecurity", "starttls", "smtpUsername", "parley",
                "smtpPassword", password, "smtpTrustedCertificates", trusted, "smtpTimeoutSeconds", 5, "retryInitialSeconds", 1,
                "retryMaxSeconds", 1), "example.edu", etc);
    }

    private static Notification mail(String to) {
        return Notification.compose("bob@example.edu", to, "alice@example.edu", 1, Instant.now(), null);
    }

    @Test
    void theMailGoesOverStartTlsAndTheLoginOnlyInsideIt() throws Exception {
        relay = new StartTlsRelay(port, good, "parley", "s3cret");
        new SmtpMailer().send(settings("relay-ca.pem", "s3cret"), mail("bob@example.edu"));
        List<StartTlsRelay.Received> got = relay.awaitReceived(1, Duration.ofSeconds(5));
        assertEquals("bob@example.edu", got.get(0).recipient());
        assertTrue(got.get(0).tlsProtocol() != null && got.get(0).tlsProtocol().startsWith("TLSv1."),
                "taken over TLS, not in clear: " + got.get(0).tlsProtocol());
        assertEquals("parley", got.get(0).user(), "sent as the authenticated user");
        assertTrue(got.get(0).data().contains("Subject: New message from alice@example.edu"), got.get(0).data());
        assertEquals(List.of(new StartTlsRelay.Login("parley", true, true)), relay.logins(), "one login, inside TLS");
    }

    @Test
    void aWrongPasswordIsRefusedInsideTls() throws Exception {
        relay = new StartTlsRelay(port, good, "parley", "s3cret");
        assertThrows(AuthenticationFailedException.class, () -> new SmtpMailer().send(settings("relay-ca.pem", "wrong"), mail("x@example.edu")));
        assertEquals(List.of(new StartTlsRelay.Login("parley", true, false)), relay.logins(), "even the wrong password only inside TLS");
        assertEquals(List.of(), relay.received());
    }

    @Test
    void aRelayThatDoesNotOfferStartTlsGetsNothing() throws Exception {
        relay = new StartTlsRelay(port, null, null, null);
        MessagingException e = assertThrows(MessagingException.class,
                () -> new SmtpMailer().send(settings("relay-ca.pem", "s3cret"), mail("x@example.edu")));
        assertTrue(e.getMessage().contains("STARTTLS"), e.toString());
        assertEquals(List.of(), relay.received(), "nothing in clear, not even without the password");
    }

    @Test
    void aRelayWhoseCertificateIsFromAnUnknownCaGetsNothing() throws Exception {
        relay = new StartTlsRelay(port, otherCa, "parley", "s3cret");
        MessagingException e = assertThrows(MessagingException.class,
                () -> new SmtpMailer().send(settings("relay-ca.pem", "s3cret"), mail("x@example.edu")));
        assertInstanceOf(SSLHandshakeException.class, e.getCause(), e.toString());
        assertThrows(MessagingException.class, () -> new SmtpMailer().send(settings("", "s3cret"), mail("x@example.edu")),
                "nor do the JVM's CAs know it");
        assertEquals(List.of(), relay.logins(), "the password never left");
        assertEquals(List.of(), relay.received());
    }

    @Test
    void aRelayWhoseCertificateNamesAnotherHostGetsNothing() throws Exception {
        relay = new StartTlsRelay(port, otherName, "parley", "s3cret");
        MessagingException e = assertThrows(MessagingException.class,
                () -> new SmtpMailer().send(settings("relay-ca.pem", "s3cret"), mail("x@example.edu")));
        assertTrue(String.valueOf(e.getCause()).contains("127.0.0.1"), "the name we asked for is not in the certificate: " + e);
        assertEquals(List.of(), relay.logins(), "the password never left");
        assertEquals(List.of(), relay.received());
    }

    @Test
    void mailRefusedForWantOfStartTlsStaysQueuedAndGoesOnceARelayOffersIt() throws Exception {
        database = TestSqlDatabase.h2(dir);
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS);
        relay = new StartTlsRelay(port, null, null, null);
        notifier = new MailNotifier(settings("relay-ca.pem", "s3cret"), new Outbox(database.dataSource()),
                new Preferences(database.dataSource(), Clock.systemUTC()), MailNotifier.mailThread(), new SmtpMailer(), Clock.systemUTC());
        notifier.start();
        notifier.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, Instant.now()));
        awaitAttempts(2); // refused, and refused again after the backoff: kept, not dropped, not sent in clear
        assertTrue(lastError().contains("STARTTLS"), lastError());
        assertEquals(List.of(), relay.received());

        relay.close();
        relay = new StartTlsRelay(port, good, "parley", "s3cret");
        relay.awaitReceived(1, Duration.ofSeconds(15));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (new Outbox(database.dataSource()).size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, new Outbox(database.dataSource()).size(), "sent mail leaves the outbox");
        Thread.sleep(1500); // past another retry period: a second copy would be here
        assertEquals(1, relay.received().size());
        assertTrue(relay.received().get(0).tlsProtocol() != null, "over TLS");
    }

    private void awaitAttempts(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (attempts() < n) {
            assertTrue(System.nanoTime() < deadline, "expected " + n + " failed attempts, saw " + attempts());
            Thread.sleep(50);
        }
    }

    private int attempts() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(attempts) FROM mailhook_outbox")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private String lastError() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_error FROM mailhook_outbox")) {
            assertTrue(rs.next(), "still queued");
            return rs.getString(1);
        }
    }
}
