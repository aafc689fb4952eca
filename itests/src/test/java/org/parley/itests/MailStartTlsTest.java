package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.mailhook.internal.StartTlsRelay;
import org.parley.mailhook.internal.TestCa;

/**
 * The mail hook toward a real relay over STARTTLS (SubEthaSMTP in the test, set up like a
 * submission port: STARTTLS before anything, AUTH only inside TLS), with the server's
 * {@code smtpSecurity = starttls}, its own CA in {@code smtpTrustedCertificates} and a login:
 * the mail arrives over TLS, sent by the authenticated user; a relay that does not offer STARTTLS,
 * one whose certificate is from another CA and one whose certificate names another host get
 * nothing (not even the password), the mail waits in the outbox and is retried, and arrives once
 * when the right relay is back; the offline message itself is untouched throughout.
 */
class MailStartTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAIL_DOMAIN = "tls.test";
    private static final String PASSWORD = "relay-" + ParleyServer.randomPassword();
    private static final int PORT = FreePorts.next();
    private static final TestCa CA;
    private static final Path CA_PEM;

    static {
        try {
            CA = new TestCa("Parley test relay CA");
            CA_PEM = CA.writePem(Files.createTempFile("relay-ca", ".pem"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailhook")
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", PORT)
            .set("org.parley.mailhook.cfg", "smtpSecurity", "starttls")
            .set("org.parley.mailhook.cfg", "smtpUsername", "parley")
            .set("org.parley.mailhook.cfg", "smtpPassword", PASSWORD)
            .set("org.parley.mailhook.cfg", "smtpTrustedCertificates", CA_PEM.toString())
            .set("org.parley.mailhook.cfg", "smtpTimeoutSeconds", 5)
            .set("org.parley.mailhook.cfg", "recipientTemplate", "{localpart}@" + MAIL_DOMAIN)
            .set("org.parley.mailhook.cfg", "retryInitialSeconds", 1)
            .set("org.parley.mailhook.cfg", "retryMaxSeconds", 2)
            .build();

    private StartTlsRelay relay;

    @AfterEach
    void relayDown() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    private void relay(SSLContext tls) {
        relayDown();
        relay = new StartTlsRelay(PORT, tls, "parley", PASSWORD);
    }

    private static String address(Account account) {
        return account.local().toLowerCase() + "@" + MAIL_DOMAIN;
    }

    private static void assertTheMessageWaited(Account juliet, String body) throws Exception {
        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "home").setSendPresence(false).build());
        Inbox inbox = Inbox.of(j);
        j.sendStanza(Xmpp.available(j, 0));
        assertEquals(body, inbox.next(WAIT, "the offline message").getBody(), "the mail did not touch it");
        j.disconnect();
    }

    @Test
    void theMailGoesToTheRelayOverStartTlsWithTheLoginInsideIt() throws Exception {
        relay(CA.serverTls("127.0.0.1", "localhost"));
        XMPPTCPConnection romeo = server.login(server.newAccount("t-romeo"));
        Account juliet = server.newAccount("t-juliet");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "over TLS?"));
        Xmpp.pingServer(romeo);

        List<StartTlsRelay.Received> got = relay.awaitReceived(1, WAIT);
        assertEquals(address(juliet), got.get(0).recipient());
        assertTrue(got.get(0).tlsProtocol() != null && got.get(0).tlsProtocol().startsWith("TLSv1."), "over TLS: " + got.get(0));
        assertEquals("parley", got.get(0).user(), "sent as the authenticated user");
        assertTrue(got.get(0).data().contains("New message from " + romeo.getUser().asBareJid()), got.get(0).data());
        assertFalse(got.get(0).data().contains("over TLS?"), "no text by default");
        assertEquals(List.of(new StartTlsRelay.Login("parley", true, true)), relay.logins());
        assertTheMessageWaited(juliet, "over TLS?");
    }

    @Test
    void aRelayWithoutStartTlsOrWithACertificateWeDoNotTrustGetsNothingAndTheMailWaitsForTheRightOne() throws Exception {
        relay(null); // does not offer STARTTLS
        XMPPTCPConnection romeo = server.login(server.newAccount("w-romeo"));
        Account juliet = server.newAccount("w-juliet");
        long offset = server.logSize();
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "still waiting?"));
        Xmpp.pingServer(romeo); // no error: the message is stored whatever the mail does
        server.awaitLog(offset, "(attempt 2)", WAIT); // refused, and refused again after the backoff
        assertTrue(server.logSince(offset).contains("STARTTLS"), server.logSince(offset));
        assertEquals(List.of(), relay.received(), "nothing in clear");

        relay(new TestCa("Someone else's CA").serverTls("127.0.0.1", "localhost"));
        server.awaitLog(offset, "(attempt 3)", WAIT);
        assertTrue(server.logSince(offset).contains("SSLHandshakeException"), server.logSince(offset));
        assertEquals(List.of(), relay.logins(), "the password did not leave for a relay of an unknown CA");
        assertEquals(List.of(), relay.received());

        relay(CA.serverTls("mail.elsewhere.test")); // our CA, another host
        server.awaitLog(offset, "(attempt 4)", WAIT);
        assertEquals(List.of(), relay.logins(), "nor for a certificate that names another host");
        assertEquals(List.of(), relay.received());

        relay(CA.serverTls("127.0.0.1", "localhost"));
        List<StartTlsRelay.Received> got = relay.awaitReceived(1, WAIT);
        assertEquals(address(juliet), got.get(0).recipient());
        assertTrue(got.get(0).tlsProtocol() != null, "over TLS");
        Thread.sleep(3000); // past more than one retry period: a second copy would have come
        assertEquals(1, relay.received().size(), "sent once");
        assertTrue(server.logSince(offset).contains("Mailed " + juliet.jid()), server.logSince(offset));
        assertTheMessageWaited(juliet, "still waiting?");
    }
}
