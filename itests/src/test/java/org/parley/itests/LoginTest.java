package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Getting in: TLS (STARTTLS and direct), every SASL mechanism, and refusing a wrong password. */
class LoginTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void starttlsLoginBindsAResourceOverVerifiedTls() throws Exception {
        Account alice = server.newAccount("alice");
        XMPPTCPConnection c = server.login(alice, "desk");

        assertTrue(c.isSecureConnection(), "STARTTLS was negotiated");
        assertTrue(c.isAuthenticated());
        assertEquals(alice.bareJid(), c.getUser().asEntityBareJid());
        assertEquals("desk", c.getUser().getResourceOrEmpty().toString());
        Xmpp.pingServer(c);
        c.disconnect();
    }

    @Test
    void directTlsLoginWorksOnTheTlsPort() throws Exception {
        Account bob = server.newAccount("bob");
        DirectTlsConnection c = (DirectTlsConnection) server.login(server.smackDirectTlsConfig(bob, "phone").build());

        SSLSession tls = c.tlsSession();
        assertNotNull(tls, "a TLS session from the first byte");
        assertTrue(tls.getProtocol().startsWith("TLSv1."), tls.getProtocol());
        assertEquals(server.certificate(), tls.getPeerCertificates()[0], "the server presents its self-signed certificate");
        assertTrue(c.isAuthenticated());
        assertEquals(bob.bareJid() + "/phone", c.getUser().toString());
        Xmpp.pingServer(c);
        c.disconnect();
    }

    @Test
    void directTlsPortOffersSaslAtOnceAndNoStarttls() throws Exception {
        Account a = server.newAccount("direct-raw");
        try (RawXmppClient raw = server.track(RawXmppClient.connectDirectTls(server.c2sTlsPort(), server.sslContext()))) {
            String features = raw.openStream();
            assertFalse(features.contains("starttls"), features);
            assertTrue(offeredMechanisms(features).contains("SCRAM-SHA-256"), features);

            assertTrue(raw.authScram("SCRAM-SHA-256", a.local(), a.password()).success(), raw::transcript);
            raw.openStream();
            assertEquals(a.jid() + "/direct", raw.bind("direct"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "PLAIN"})
    void smackLogsInWithEachMechanismItImplements(String mechanism) throws Exception {
        Account a = server.newAccount("sasl");
        XMPPTCPConnection c = server.login(server.smackConfig(a, "m").addEnabledSaslMechanism(mechanism).build());

        assertTrue(c.isAuthenticated());
        assertEquals(mechanism, c.getUsedSaslMechansism());
        Xmpp.pingServer(c);
        c.disconnect();
    }

    /**
     * Smack 4.5.0-rc1 has no SCRAM-SHA-256 (only SCRAM-SHA-1 and -PLUS), so SCRAM is driven by a
     * hand-written RFC 5802/7677 client; SCRAM-SHA-1 as well, to check both against the RFC.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1"})
    void scramByTheRfcLogsInAndTheServerProvesItKnowsThePassword(String mechanism) throws Exception {
        Account a = server.newAccount("scram");
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            String features = raw.openStream();
            assertTrue(offeredMechanisms(features).contains(mechanism), features);

            RawXmppClient.SaslOutcome outcome = raw.authScram(mechanism, a.local(), a.password());
            assertTrue(outcome.success(), () -> outcome.element() + "\n" + raw.transcript());
            raw.openStream();
            assertEquals(a.jid() + "/scram", raw.bind("scram"));
        }
    }

    @Test
    void scramWithAWrongPasswordFailsNotAuthorized() throws Exception {
        Account a = server.newAccount("scram-bad");
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            raw.openStream();
            RawXmppClient.SaslOutcome outcome = raw.authScram("SCRAM-SHA-256", a.local(), "not-" + a.password());
            assertFalse(outcome.success(), raw::transcript);
            assertTrue(outcome.element().contains("<not-authorized"), outcome.element());
        }
    }

    @Test
    void afterTlsTheServerOffersScramSha256Sha1AndPlain() throws Exception {
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            List<String> offered = offeredMechanisms(raw.openStream());
            assertTrue(offered.containsAll(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN")), offered.toString());
        }
    }

    @Test
    void wrongPasswordFailsWithNotAuthorizedAndStaysLoggedOut() throws Exception {
        Account a = server.newAccount("wrong");
        XMPPTCPConnection c = server.newConnection(server.smackConfig(a.withPassword("not-" + a.password()), "x").build());
        c.connect();

        SASLErrorException e = assertThrows(SASLErrorException.class, c::login);
        assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
        assertFalse(c.isAuthenticated());
        c.disconnect();
    }

    static List<String> offeredMechanisms(String features) {
        Matcher m = Pattern.compile("<mechanism>([^<]+)</mechanism>").matcher(features);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
