package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.mailhook.internal.Configs.config;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTPS with authentication against GreenMail serving a certificate made for the test (keytool,
 * for 127.0.0.1 and localhost): the mail goes through when the certificate is trusted and the
 * password is right, and not otherwise. (GreenMail has no STARTTLS: {@link StartTlsTest} covers the
 * upgrade against a relay that offers it.)
 */
class SmtpsTest {
    @TempDir
    static Path dir;
    private static GreenMail smtp;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        keytool("-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", dir.resolve("smtp.p12").toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "smtp", "-keystore", dir.resolve("smtp.p12").toString(), "-storepass", "changeit",
                "-file", dir.resolve("smtp.pem").toString());
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", dir.resolve("other.p12").toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", dir.resolve("other.p12").toString(), "-storepass", "changeit",
                "-file", dir.resolve("other.pem").toString());
        // GreenMail reads these once, when it first makes a TLS server socket.
        System.setProperty("greenmail.tls.keystore.file", dir.resolve("smtp.p12").toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
        port = MailNotifierTest.freePort();
        smtp = new GreenMail(MailNotifierTest.serverSetup(port, ServerSetup.PROTOCOL_SMTPS))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("relay@example.edu", "relay", "s3cret"));
        smtp.start();
    }

    @AfterAll
    static void stop() {
        smtp.stop();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private static MailSettings settings(String trusted, String password) {
        return MailSettings.from(config("smtpHost", "127.0.0.1", "smtpPort", port, "smtpSecurity", "smtps", "smtpUsername", "relay",
                "smtpPassword", password, "smtpTrustedCertificates", trusted, "smtpTimeoutSeconds", 5), "example.edu", dir);
    }

    private static Notification mail(String to) {
        return Notification.compose("bob@example.edu", to, "alice@example.edu", 1, Instant.now(), null);
    }

    @Test
    void aTrustedServerAndTheRightPasswordTakeTheMail() throws Exception {
        new SmtpMailer().send(settings("smtp.pem", "s3cret"), mail("bob@example.edu"));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        assertTrue(List.of(smtp.getReceivedMessages()).stream().anyMatch(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals("bob@example.edu");
            } catch (MessagingException e) {
                return false;
            }
        }));
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(AuthenticationFailedException.class, () -> new SmtpMailer().send(settings("smtp.pem", "wrong"), mail("x@example.edu")));
    }

    @Test
    void aServerWhoseCertificateIsNotTrustedIsNotSentTo() {
        MessagingException e = assertThrows(MessagingException.class,
                () -> new SmtpMailer().send(settings("other.pem", "s3cret"), mail("y@example.edu")));
        assertTrue(String.valueOf(e.getCause()).contains("SSL") || String.valueOf(e.getCause()).contains("certification"), e.toString());
        assertThrows(MessagingException.class, () -> new SmtpMailer().send(settings("", "s3cret"), mail("z@example.edu")),
                "the JVM's CAs do not know the test certificate either");
    }

    @Test
    void aMissingOrEmptyCertificateFileIsRefusedByName() throws Exception {
        Files.writeString(dir.resolve("empty.pem"), "");
        for (String file : List.of("missing.pem", "empty.pem")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(file, "s3cret"));
            assertTrue(e.getMessage().startsWith("smtpTrustedCertificates:"), e.getMessage());
        }
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> MailSettings.from(
                config("smtpSecurity", "none", "smtpTrustedCertificates", "smtp.pem"), "example.edu", dir));
        assertTrue(plain.getMessage().startsWith("smtpTrustedCertificates:"), plain.getMessage());
    }
}
