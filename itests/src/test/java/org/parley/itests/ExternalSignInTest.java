package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;

/**
 * SASL EXTERNAL with client certificates (XEP-0178) end to end: the server is given a client CA
 * made in the test; Smack clients present certificates from a key manager in their SSLContext
 * over STARTTLS. A certificate the server does not trust (another CA, expired) or no certificate
 * at all still connects, and EXTERNAL is simply not offered; certificates that name no account, a
 * disabled one or several are refused with the SASL failure XEP-0178 and RFC 6120 name.
 */
class ExternalSignInTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern SASL_OUTCOME = Pattern.compile("<(success|failure)\\b[\\s\\S]*?(?:/>|</\\1>)");
    private static final ClientPki CA;
    private static final ClientPki OTHER_CA;
    private static final Path CA_PEM;

    static {
        try {
            CA = new ClientPki("Parley test client CA");
            OTHER_CA = new ClientPki("Some other CA");
            CA_PEM = CA.writePem(Files.createTempDirectory("client-ca").resolve("client-ca.pem"));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("org.parley.tls.cfg", "clientCaCertificates", CA_PEM.toString())
            // The tests fail sign-ins on purpose; the failure slow-down would only make them slower.
            .set("org.parley.auth.cfg", "failureThreshold", 1000)
            .build();

    private static List<Account> accounts;

    @BeforeAll
    static void accounts() throws Exception {
        accounts = server.newAccounts("ext", 8);
    }

    private static String xmpp(Account a) {
        return "xmpp:" + a.jid();
    }

    /** A Smack configuration for EXTERNAL only: the client's key manager goes into the SSLContext Smack builds. */
    private static XMPPTCPConnectionConfiguration.Builder external(ClientPki.Tls tls) throws Exception {
        return XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ParleyServer.DOMAIN)
                .setHostAddress(java.net.InetAddress.getByName("127.0.0.1"))
                .setPort(server.c2sPort())
                .performSaslExternalAuthentication(SSLContext.getInstance("TLS"))
                .setKeyManagers(tls.keyManagers())
                .setCustomX509TrustManager(tls.trust())
                .setSecurityMode(SecurityMode.required)
                .setResource("cert")
                .setConnectTimeout(15_000);
    }

    private static String saslFailure(XMPPTCPConnectionConfiguration config) {
        XMPPTCPConnection c = server.newConnection(config);
        SASLErrorException e = assertThrows(SASLErrorException.class, () -> {
            c.connect();
            c.login();
        });
        c.disconnect();
        return e.getSASLFailure().getSASLErrorString();
    }

    /** STARTTLS with {@code context}, then the stream features. */
    private static String featuresAfterTls(RawXmppClient c, ClientPki.Tls tls) throws Exception {
        c.openStream();
        c.startTls(tls.context());
        return c.openStream();
    }

    private static MatchResult authExternal(RawXmppClient c, String authzid) throws IOException {
        String payload = authzid.isEmpty() ? "=" : RawXmppClient.b64(authzid);
        c.send("<auth xmlns='" + RawXmppClient.SASL_NS + "' mechanism='EXTERNAL'>" + payload + "</auth>");
        return c.await(SASL_OUTCOME, RawXmppClient.TIMEOUT);
    }

    private static List<String> mechanisms(String features) {
        return Pattern.compile("<mechanism>([^<]+)</mechanism>").matcher(features).results().map(m -> m.group(1)).toList();
    }

    @Test
    void aClientWithATrustedCertificateSignsInWithExternalAndNoPassword() throws Exception {
        Account alice = accounts.get(0);
        ClientPki.Identity cert = CA.issue("CN=Alice", xmpp(alice));
        ClientPki.Tls context = ClientPki.keyStore(server, cert);
        try (RawXmppClient raw = server.raw()) {
            List<String> offered = mechanisms(featuresAfterTls(raw, context));
            assertEquals("EXTERNAL", offered.get(0), "offered first: " + offered);
        }
        long offset = server.logSize();
        XMPPTCPConnection c = server.newConnection(external(context).build());
        c.connect();
        c.login();
        assertEquals(alice.jid() + "/cert", c.getUser().toString());
        Xmpp.pingServer(c);
        server.awaitLog(offset, "SASL EXTERNAL: certificate 'CN=Alice'", WAIT);
        // The same context once more: a second connection signs in as well (no session state needed).
        XMPPTCPConnection again = server.login(external(context).build());
        Xmpp.pingServer(again);
        c.disconnect();
    }

    @Test
    void withoutACertificateExternalIsNotOfferedAndPasswordsStillSignIn() throws Exception {
        try (RawXmppClient raw = server.raw()) {
            List<String> offered = mechanisms(featuresAfterTls(raw, ClientPki.none(server)));
            assertFalse(offered.contains("EXTERNAL"), offered.toString());
            assertTrue(offered.contains("PLAIN"), offered.toString());
        }
        XMPPTCPConnection c = server.login(accounts.get(1));
        Xmpp.pingServer(c);
    }

    @Test
    void aCertificateFromAnotherCaOrAnExpiredOneConnectsButGetsNoExternal() throws Exception {
        Account bob = accounts.get(1);
        Instant now = Instant.now();
        ClientPki.Identity foreign = OTHER_CA.issue("CN=Bob", xmpp(bob));
        ClientPki.Identity expired = CA.issue("CN=Bob", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
                xmpp(bob));
        for (ClientPki.Identity cert : List.of(foreign, expired)) {
            try (RawXmppClient raw = server.raw()) {
                List<String> offered = mechanisms(featuresAfterTls(raw, ClientPki.presenting(server, cert)));
                assertFalse(offered.contains("EXTERNAL"), cert.certificate().getIssuerX500Principal() + ": " + offered);
                // Insisting gets a failure, not a session; the same stream then signs in with a password.
                MatchResult refused = authExternal(raw, "");
                assertEquals("failure", refused.group(1), raw.transcript());
                assertTrue(raw.authPlain(bob.local(), bob.password()).success(), raw.transcript());
            }
        }
    }

    @Test
    void aCertificateWithNoUsableIdentityOrForNoAccountIsNotAuthorized() throws Exception {
        ClientPki.Identity nameless = CA.issue("CN=Somebody,O=Example University", "somebody.example.org");
        assertEquals("not-authorized", saslFailure(external(ClientPki.keyStore(server, nameless)).build()));
        ClientPki.Identity otherDomain = CA.issue("CN=Alice", "xmpp:" + accounts.get(0).local() + "@elsewhere.example");
        assertEquals("not-authorized", saslFailure(external(ClientPki.keyStore(server, otherDomain)).build()));
        ClientPki.Identity noAccount = CA.issue("CN=Zed", "xmpp:" + ParleyServer.uniqueLocal("zed") + "@localhost");
        assertEquals("not-authorized", saslFailure(external(ClientPki.keyStore(server, noAccount)).build()));
    }

    @Test
    void aDisabledAccountIsRefusedAsDisabledUntilEnabled() throws Exception {
        Account carol = accounts.get(2);
        ClientPki.Tls context = ClientPki.keyStore(server, CA.issue("CN=Carol", xmpp(carol)));
        assertEquals(0, server.cli("user", "disable", carol.jid()).exitCode());
        assertEquals("account-disabled", saslFailure(external(context).build()));
        assertEquals(0, server.cli("user", "enable", carol.jid()).exitCode());
        XMPPTCPConnection c = server.login(external(context).build());
        assertEquals(carol.jid() + "/cert", c.getUser().toString());
    }

    @Test
    void aCertificateNamingSeveralAccountsSignsInOnlyAsTheOneTheAuthzidNames() throws Exception {
        Account dave = accounts.get(3);
        Account erin = accounts.get(4);
        Account frank = accounts.get(5);
        ClientPki.Identity shared = CA.issue("CN=Shared desk", xmpp(dave), xmpp(erin));
        ClientPki.Tls context = ClientPki.keyStore(server, shared);
        assertEquals("not-authorized", saslFailure(external(context).build()), "which account is meant?");
        EntityBareJid erinJid = erin.bareJid();
        XMPPTCPConnection c = server.login(external(context).setAuthzid(erinJid).build());
        assertEquals(erin.jid() + "/cert", c.getUser().toString());
        assertEquals("invalid-authzid", saslFailure(external(context).setAuthzid(frank.bareJid()).build()),
                "an account the certificate does not name");
        try (RawXmppClient raw = server.raw()) {
            featuresAfterTls(raw, context);
            MatchResult full = authExternal(raw, dave.jid() + "/phone");
            assertTrue(full.group().contains("<invalid-authzid"), "a full JID is no authzid: " + full.group());
        }
    }

    @Test
    void theMailAddressIdentifiesTheAccountUnlessTheOperatorTurnsThatOffLive() throws Exception {
        Account grace = accounts.get(6);
        ClientPki.Tls context = ClientPki.keyStore(server,
                CA.issue("CN=Grace,E=" + grace.jid(), "email:" + grace.jid()));
        XMPPTCPConnection c = server.login(external(context).build());
        assertEquals(grace.jid() + "/cert", c.getUser().toString());
        c.disconnect();

        Path cfg = server.base().resolve("etc/org.parley.auth.external.cfg");
        long offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("identities", "xmppAddr"));
        server.awaitLog(offset, "SASL EXTERNAL enabled: identities [xmppAddr]", WAIT);
        assertEquals("not-authorized", saslFailure(external(context).build()));

        offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("identities", "xmppAddr, nonsense"));
        server.awaitLog(offset, "key 'identities': 'nonsense' is none of xmppAddr, email, cn", WAIT);
        offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("identities", "xmppAddr, email"));
        server.awaitLog(offset, "SASL EXTERNAL enabled: identities [xmppAddr, email]", WAIT);
        XMPPTCPConnection again = server.login(external(context).build());
        assertEquals(grace.jid() + "/cert", again.getUser().toString());
    }

    @Test
    void requiredClientCertificatesLetOnlyTrustedClientsConnect() throws Exception {
        Account henry = accounts.get(7);
        ClientPki.Identity good = CA.issue("CN=Henry", xmpp(henry));
        ClientPki.Identity foreign = OTHER_CA.issue("CN=Henry", xmpp(henry));
        Path cfg = server.base().resolve("etc/org.parley.tls.cfg");
        long offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("requireClientCertificates", "true"));
        try {
            server.awaitLog(offset, "TLS requires client certificates", WAIT);
            for (ClientPki.Tls refused : List.of(ClientPki.none(server), ClientPki.presenting(server, foreign))) {
                try (RawXmppClient raw = server.raw()) {
                    raw.openStream();
                    // TLS 1.3: the server's verdict on the client arrives after the client's Finished,
                    // so the client may learn it only when it next reads.
                    Throwable refusal = assertThrows(Throwable.class, () -> {
                        raw.startTls(refused.context());
                        raw.openStream();
                    });
                    assertTrue(refusal instanceof IOException || String.valueOf(refusal.getMessage())
                            .contains("connection closed before"), refusal.toString());
                }
            }
            XMPPTCPConnection c = server.login(external(ClientPki.keyStore(server, good)).build());
            assertEquals(henry.jid() + "/cert", c.getUser().toString());
            c.disconnect();
        } finally {
            offset = server.logSize();
            ParleyServer.writeProperties(cfg, Map.of("requireClientCertificates", "false"));
            server.awaitLog(offset, "TLS asks for (does not require) client certificates", WAIT);
        }
        XMPPTCPConnection c = server.login(accounts.get(1));
        Xmpp.pingServer(c);
    }

    @Test
    void statusListsTheSignInMechanismsInOfferOrder() throws Exception {
        ParleyServer.CliResult status = server.cli("status");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("sign-in mechanisms, in offer order: EXTERNAL (org.parley.auth), "
                + "SCRAM-SHA-256-PLUS (org.parley.auth), SCRAM-SHA-1-PLUS (org.parley.auth), SCRAM-SHA-256 (org.parley.auth), "
                + "SCRAM-SHA-1 (org.parley.auth), PLAIN (org.parley.auth)\n"), status.stdout());
        assertTrue(status.stdout().contains("password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth)\n"),
                status.stdout());
    }
}
