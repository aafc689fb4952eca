package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 with issue 12's directory: the mail about a message waiting for a directory user goes
 * to the address in their directory entry (its mail attribute, which the ldap bundle supplies as
 * the vCard's EMAIL), not to the configured template; a local account still gets the template's.
 */
class DirectoryMailTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TEMPLATE_DOMAIN = "mail.test";
    private static final MailServer smtp = new MailServer();
    private static final TestDirectory DIRECTORY;
    private static final Path CA_PEM;

    static {
        try {
            TestDirectory.TestCa ca = new TestDirectory.TestCa();
            DIRECTORY = new TestDirectory(ca, true);
            CA_PEM = ca.writeCaPem(Files.createTempDirectory("ldap-ca").resolve("ca.pem"));
            DIRECTORY.addPerson("dana", "dana directory pw", true); // mail: dana@example.org
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = LdapSignInTest.ldapServer(ParleyServer.builder(), DIRECTORY.url(), CA_PEM, 2)
            .set("parley.properties", "features", "core, im, ldap, mailhook")
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", smtp.port())
            .set("org.parley.mailhook.cfg", "smtpSecurity", "none")
            .set("org.parley.mailhook.cfg", "recipientTemplate", "{localpart}@" + TEMPLATE_DOMAIN)
            .build();

    @BeforeAll
    static void start() throws Exception {
        smtp.start();
        server.awaitLog(0, "LDAP directory: servers", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        smtp.stop();
    }

    @Test
    void aDirectoryUserIsMailedAtTheDirectorysAddress_aLocalAccountAtTheTemplates() throws Exception {
        XMPPTCPConnection sender = server.login(server.newAccount("writer"));
        Account dana = new Account("dana", "dana directory pw", ParleyServer.DOMAIN);
        sender.sendStanza(Xmpp.chat(sender, dana.bareJid(), "the directory knows where you read mail"));
        Account local = server.newAccount("local");
        sender.sendStanza(Xmpp.chat(sender, local.bareJid(), "you have no directory entry"));
        Xmpp.pingServer(sender);

        List<MimeMessage> toDirectory = smtp.awaitMailsTo("dana@example.org", 1, WAIT);
        assertEquals(1, toDirectory.size());
        assertEquals(1, smtp.awaitMailsTo(local.local().toLowerCase() + "@" + TEMPLATE_DOMAIN, 1, WAIT).size());
        Thread.sleep(500);
        assertTrue(smtp.mailsTo("dana@" + TEMPLATE_DOMAIN).isEmpty(), "not to the template's address as well");
    }
}
