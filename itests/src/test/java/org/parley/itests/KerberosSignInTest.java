package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import javax.security.auth.Subject;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.sasl.javax.SASLGSSAPIMechanism;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.kerberos.internal.TestKdc;

/**
 * Kerberos sign-on end to end: the server runs the kerberos feature with a keytab from a real KDC
 * (Apache Kerby, in this JVM); clients get real tickets from it through the JDK. A Smack client
 * signs in with GSSAPI and no password; clients with no ticket, an expired one, one for another
 * service, or of a realm the server does not accept are told so with not-authorized, and the same
 * connection then signs in with SCRAM.
 */
class KerberosSignInTest {
    static final String KERBEROS_CFG = "org.parley.kerberos.cfg";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SASL_STEP = Pattern.compile("<(challenge|success|failure)\\b[^>]*?(?:/>|>([\\s\\S]*?)</\\1>)");
    static final TestKdc KDC = TestKdc.shared();

    static {
        SmackConfiguration.getVersion(); // Smack registers its own mechanisms first, so the replacement below sticks
        // Smack's GSSAPI asks for a ticket for xmpp/<the host it connected to> (127.0.0.1 here);
        // this one names the XMPP service by its domain, the host name in the service principal.
        SASLAuthentication.unregisterSASLMechanism(SASLGSSAPIMechanism.class.getName());
        SASLAuthentication.registerSASLMechanism(new DomainGssapi());
    }

    /** Smack's javax GSSAPI mechanism, asking for a ticket for xmpp/<XMPP domain>. */
    public static final class DomainGssapi extends SASLGSSAPIMechanism {
        @Override
        protected String getServerName() {
            return serviceName.toString();
        }

        @Override
        public DomainGssapi newInstance() {
            return new DomainGssapi();
        }
    }

    @RegisterExtension
    static final ParleyServer server = kerberosServer(ParleyServer.builder()).build();

    /** A server with the kerberos feature and this KDC's service keytab; shared with the upgrade test. */
    static ParleyServer.Builder kerberosServer(ParleyServer.Builder b) {
        return b.set("parley.properties", "features", "core, im, kerberos")
                .set(KERBEROS_CFG, "keytab", KDC.serviceKeytab.toString())
                .set(KERBEROS_CFG, "principal", TestKdc.SERVICE)
                // The tests fail sign-ins on purpose; the failure slow-down would only make them slower.
                .set("org.parley.auth.cfg", "failureThreshold", 1000);
    }

    /** The kerberos bundle starts a moment after the transport listens (start level 8, as ldap). */
    @BeforeAll
    static void gssapiOffered() throws Exception {
        server.awaitLog(0, "Kerberos: GSSAPI offered", Duration.ofSeconds(60));
    }

    /** A local account with a Kerberos principal of the same name. */
    static Account kerberosUser(ParleyServer server, String hint) throws Exception {
        Account a = server.newAccount(hint);
        KDC.addUser(a.local(), "krb " + a.password());
        return a;
    }

    static Subject ticket(Account a) throws Exception {
        return KDC.login(a.local(), "krb " + a.password());
    }

    static XMPPTCPConnectionConfiguration gssapi(ParleyServer server, Account a, String resource) {
        return server.smackConfig(a, resource).addEnabledSaslMechanism(SASLGSSAPIMechanism.NAME).build();
    }

    /** Connects and signs in with GSSAPI as the subject (the JDK client finds its tickets there). */
    static XMPPTCPConnection loginWithTicket(ParleyServer server, Account a, Subject subject, String resource) throws Exception {
        XMPPTCPConnection c = server.newConnection(gssapi(server, a, resource));
        c.connect();
        Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> {
            c.login();
            return null;
        });
        return c;
    }

    @Test
    void aUserWithATicketSignsInWithGssapiAndNoPassword() throws Exception {
        Account alice = kerberosUser(server, "kalice");
        XMPPTCPConnection c = loginWithTicket(server, alice.withPassword("not used"), ticket(alice), "desk");
        assertTrue(c.isAuthenticated());
        assertTrue(c.isSecureConnection());
        assertEquals(alice.jid() + "/desk", c.getUser().toString());
        Xmpp.pingServer(c);
    }

    @Test
    void gssapiIsOfferedAfterTlsOnly() throws Exception {
        RawXmppClient raw = server.raw();
        String before = raw.openStream();
        assertFalse(before.contains(">GSSAPI<"), before);
        raw.startTls(server.sslContext());
        String after = raw.openStream();
        assertTrue(after.contains("<mechanism>GSSAPI</mechanism>"), after);
    }

    /** STARTTLS, then a GSSAPI exchange with the JDK client as {@code subject} towards {@code host}; the failure element. */
    private static RawXmppClient tlsStream() throws Exception {
        RawXmppClient raw = server.raw();
        raw.openStream();
        raw.startTls(server.sslContext());
        raw.openStream();
        return raw;
    }

    private static String gssapiExchange(RawXmppClient raw, Subject subject, String host) throws Exception {
        SaslClient client = Subject.doAs(subject, (PrivilegedExceptionAction<SaslClient>) () -> Sasl.createSaslClient(
                new String[] {"GSSAPI"}, null, "xmpp", host, Map.of(Sasl.QOP, "auth", Sasl.SERVER_AUTH, "true"), null));
        byte[] token = Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> client.evaluateChallenge(new byte[0]));
        raw.send("<auth xmlns='" + RawXmppClient.SASL_NS + "' mechanism='GSSAPI'>" + Base64.getEncoder().encodeToString(token) + "</auth>");
        for (int round = 0; round < 5; round++) {
            MatchResult step = raw.await(SASL_STEP, RawXmppClient.TIMEOUT);
            if (!step.group(1).equals("challenge")) {
                return step.group();
            }
            String data = step.group(2) == null ? "" : step.group(2).strip();
            byte[] challenge = data.isEmpty() || data.equals("=") ? new byte[0] : Base64.getDecoder().decode(data);
            byte[] response = Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> client.evaluateChallenge(challenge));
            raw.send("<response xmlns='" + RawXmppClient.SASL_NS + "'>"
                    + (response == null || response.length == 0 ? "=" : Base64.getEncoder().encodeToString(response)) + "</response>");
        }
        throw new AssertionError("the GSSAPI exchange did not end\n" + raw.transcript());
    }

    /** The failure is not-authorized with the text; the same stream then signs in with SCRAM and binds. */
    private static void notAuthorizedThenScram(RawXmppClient raw, String failure, String text, Account account) throws Exception {
        assertTrue(failure.startsWith("<failure") && failure.contains("<not-authorized"), failure + "\n" + raw.transcript());
        assertTrue(failure.contains(text), "the text says why: " + failure);
        RawXmppClient.SaslOutcome scram = raw.authScram("SCRAM-SHA-256", account.local(), account.password());
        assertTrue(scram.success(), "the same connection signs in with SCRAM: " + scram.element() + "\n" + raw.transcript());
        raw.openStream();
        assertEquals(account.jid() + "/fallback", raw.bind("fallback"));
    }

    /** An operator's disable holds for a Kerberos sign-in too: a good ticket is refused account-disabled, and enabling lets it in. */
    @Test
    void aDisabledAccountsTicketIsRefused() throws Exception {
        Account grace = kerberosUser(server, "kgrace");
        assertEquals(0, server.cli("user", "disable", grace.jid()).exitCode());
        java.security.PrivilegedActionException thrown = assertThrows(java.security.PrivilegedActionException.class,
                () -> loginWithTicket(server, grace.withPassword("not used"), ticket(grace), "desk"));
        SASLErrorException refused = assertInstanceOf(SASLErrorException.class, thrown.getCause(), "a SASL failure inside Subject.doAs");
        assertTrue(refused.getMessage().contains("account-disabled"), refused.getMessage());
        assertEquals(0, server.cli("user", "enable", grace.jid()).exitCode());
        assertTrue(loginWithTicket(server, grace.withPassword("not used"), ticket(grace), "desk").isAuthenticated());
    }

    @Test
    void noTicketIsNotAuthorizedAndTheConnectionThenSignsInWithScram() throws Exception {
        Account bob = kerberosUser(server, "kbob");
        RawXmppClient raw = tlsStream();
        raw.send("<auth xmlns='" + RawXmppClient.SASL_NS + "' mechanism='GSSAPI'/>");
        MatchResult challenge = raw.await(SASL_STEP, RawXmppClient.TIMEOUT);
        assertEquals("challenge", challenge.group(1), "no initial response: an empty challenge asks for it");
        raw.send("<response xmlns='" + RawXmppClient.SASL_NS + "'>=</response>");
        notAuthorizedThenScram(raw, raw.await(SASL_STEP, RawXmppClient.TIMEOUT).group(), "no Kerberos ticket", bob);
    }

    @Test
    void anExpiredTicketIsNotAuthorizedAndTheConnectionThenSignsInWithScram() throws Exception {
        Account carol = kerberosUser(server, "kcarol");
        Subject expired = KDC.withExpiredServiceTicket(carol.local(), "krb " + carol.password(), TestKdc.SERVICE, KDC.serviceKeytab);
        RawXmppClient raw = tlsStream();
        notAuthorizedThenScram(raw, gssapiExchange(raw, expired, TestKdc.HOST), "ticket has expired", carol);
    }

    @Test
    void aTicketForAnotherServiceIsNotAuthorizedAndTheConnectionThenSignsInWithScram() throws Exception {
        Account dave = kerberosUser(server, "kdave");
        KDC.addService("xmpp/elsewhere@" + TestKdc.REALM);
        RawXmppClient raw = tlsStream();
        notAuthorizedThenScram(raw, gssapiExchange(raw, ticket(dave), "elsewhere"), "not for this service", dave);
    }

    @Test
    void aPrincipalOfARealmNotAllowedIsNotAuthorizedAndTheConnectionThenSignsInWithScram() throws Exception {
        Account erin = kerberosUser(server, "kerin");
        long at = server.logSize();
        setRealms("OTHER.TEST");
        server.awaitLog(at, "realms [OTHER.TEST]", WAIT);
        try {
            RawXmppClient raw = tlsStream();
            notAuthorizedThenScram(raw, gssapiExchange(raw, ticket(erin), TestKdc.HOST), "realm EXAMPLE.TEST is not accepted", erin);
        } finally {
            at = server.logSize();
            setRealms("OTHER.TEST, " + TestKdc.REALM);
            server.awaitLog(at, "realms [", WAIT);
        }
        assertTrue(loginWithTicket(server, erin, ticket(erin), "back").isAuthenticated(), "the realm allowed again, live");
    }

    @Test
    void anInvalidValueIsLoggedWithItsKeyAndTheRunningConfigurationStays() throws Exception {
        Account frank = kerberosUser(server, "kfrank");
        long at = server.logSize();
        rewrite("principalPattern", "([unclosed");
        server.awaitLog(at, "key 'principalPattern'", WAIT);
        assertTrue(server.logSince(at).contains("keeping the previous configuration"), server.logSince(at));
        try {
            assertTrue(loginWithTicket(server, frank, ticket(frank), "still").isAuthenticated());
        } finally {
            at = server.logSize();
            rewrite("principalPattern", "([^/@]+)@([^/@]+)");
            server.awaitLog(at, "Kerberos: GSSAPI offered", WAIT);
        }
    }

    /** The mechanisms a new stream is offered after TLS. */
    private static String offeredAfterTls() throws Exception {
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            return raw.openStream();
        }
    }

    @Test
    void switchedOffLiveGssapiIsNoLongerOfferedNorListedAndSignedInSessionsStay() throws Exception {
        Account gina = kerberosUser(server, "kgina");
        XMPPTCPConnection before = loginWithTicket(server, gina, ticket(gina), "before");
        long at = server.logSize();
        try {
            rewrite("enabled", "false");
            server.awaitLog(at, "Kerberos GSSAPI: off (org.parley.kerberos key 'enabled')", WAIT);
            // The session core offers a departed mechanism for its grace period (5 s), as during an upgrade.
            long deadline = System.nanoTime() + WAIT.toNanos();
            String features = offeredAfterTls();
            while (features.contains(">GSSAPI<") && System.nanoTime() < deadline) {
                Thread.sleep(250);
                features = offeredAfterTls();
            }
            assertFalse(features.contains(">GSSAPI<"), features);
            ParleyServer.CliResult status = server.cli("status");
            assertFalse(status.stdout().contains("GSSAPI ("), status.stdout());
            Xmpp.pingServer(before);
            assertTrue(before.isAuthenticated(), "a session signed in with a ticket stays");
        } finally {
            at = server.logSize();
            rewrite("enabled", "true");
            server.awaitLog(at, "Kerberos: GSSAPI offered", WAIT);
        }
        assertTrue(offeredAfterTls().contains("<mechanism>GSSAPI</mechanism>"));
        assertTrue(loginWithTicket(server, gina, ticket(gina), "after").isAuthenticated(), "switched on again, live");
        Xmpp.pingServer(before);
    }

    @Test
    void aPrincipalWithoutAnAccountIsNotAuthorized() throws Exception {
        String name = ParleyServer.uniqueLocal("knobody");
        KDC.addUser(name, "krb pw");
        RawXmppClient raw = tlsStream();
        String failure = gssapiExchange(raw, KDC.login(name, "krb pw"), TestKdc.HOST);
        assertTrue(failure.contains("<not-authorized") && failure.contains("has no account here"), failure);
    }

    private static void setRealms(String realms) throws Exception {
        rewrite("realms", realms);
    }

    /** Changes one key of the live configuration file, as an operator does. */
    static void rewrite(String key, String value) throws Exception {
        Path cfg = server.base().resolve("etc").resolve(KERBEROS_CFG);
        StringBuilder out = new StringBuilder();
        boolean done = false;
        for (String line : Files.readAllLines(cfg)) {
            if (line.matches("\\s*" + Pattern.quote(key) + "\\s*=.*")) {
                out.append(key).append(" = ").append(value).append('\n');
                done = true;
            } else {
                out.append(line).append('\n');
            }
        }
        if (!done) {
            out.append(key).append(" = ").append(value).append('\n');
        }
        Path tmp = cfg.resolveSibling(KERBEROS_CFG + ".tmp");
        Files.writeString(tmp, out);
        Files.move(tmp, cfg, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
