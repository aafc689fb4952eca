package org.parley.kerberos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.auth.UserManager;
import org.parley.api.server.WorkerPool;

/**
 * The mechanism against real tickets from a real KDC, with the JDK's GSSAPI SASL client on the
 * other side: what a signed-in user, a user without a ticket, with an expired one, with one for
 * another service, or of another realm is told.
 */
class GssapiNegotiationTest {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    private static final WorkerPool WORKERS = new WorkerPool() {
        @Override
        public <T> CompletionStage<T> submit(java.util.concurrent.Callable<T> work) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, POOL);
        }
    };
    private static TestKdc kdc;

    @BeforeAll
    static void users() throws Exception {
        kdc = TestKdc.shared();
        kdc.addUser("alice", "alice pw");
        kdc.addUser("alice/admin", "admin pw");
        kdc.addService("xmpp/otherhost@" + TestKdc.REALM);
    }

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    static KerberosConfig config(String keytab, String principal, String... realms) {
        return KerberosSettingsTest.config(keytab, principal, realms, "([^/@]+)@([^/@]+)", "$1", false);
    }

    /** The auth bundle's user manager as far as GSSAPI asks it: who is disabled. */
    static final class Users implements UserManager {
        final Set<String> disabled = ConcurrentHashMap.newKeySet();

        @Override
        public void create(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setPassword(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String username) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(String username) {
            return true;
        }

        @Override
        public List<String> list(int offset, int limit) {
            return List.of();
        }

        @Override
        public int count() {
            return 0;
        }

        @Override
        public int importUsers(java.io.BufferedReader lines) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isDisabled(String username) {
            return disabled.contains(username);
        }
    }

    private static GssapiMechanism mechanism(String... realms) {
        return mechanism(new Users(), realms);
    }

    private static GssapiMechanism mechanism(Users users, String... realms) {
        GssapiMechanism m = new GssapiMechanism(WORKERS, kdc.serviceKeytab.getParent(), System::currentTimeMillis);
        assertTrue(m.apply(config(kdc.serviceKeytab.getFileName().toString(), TestKdc.SERVICE, realms), true));
        m.setUserManager(users);
        return m;
    }

    static final class Context implements SaslContext {
        final boolean secure;

        Context(boolean secure) {
            this.secure = secure;
        }

        @Override
        public DomainBareJid domain() {
            return JidCreate.domainBareFromOrThrowUnchecked("example.test");
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public Optional<byte[]> channelBinding(String type) {
            return Optional.empty();
        }

        @Override
        public List<X509Certificate> peerCertificates() {
            return List.of();
        }

        @Override
        public CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    /** Runs the JDK's GSSAPI client as {@code subject} against a negotiation until it ends. */
    static SaslStep exchange(Subject subject, String serverHost, SaslNegotiation server) throws Exception {
        SaslClient client = Subject.doAs(subject, (PrivilegedExceptionAction<SaslClient>) () -> Sasl.createSaslClient(
                new String[] {"GSSAPI"}, null, "xmpp", serverHost, Map.of(Sasl.QOP, "auth", Sasl.SERVER_AUTH, "true"), null));
        byte[] response = Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> client.evaluateChallenge(new byte[0]));
        for (int round = 0; round < 5; round++) {
            SaslStep step = server.evaluate(response).toCompletableFuture().get(20, TimeUnit.SECONDS);
            if (!(step instanceof SaslStep.Challenge c)) {
                return step;
            }
            response = Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> client.evaluateChallenge(c.data()));
        }
        throw new AssertionError("the exchange did not end");
    }

    private static SaslStep.Failure refused(SaslStep step) {
        return assertInstanceOf(SaslStep.Failure.class, step, "refused, got " + step);
    }

    @Test
    void aUserWithATicketSignsInWithoutAPasswordAsTheAccountOfTheRule() throws Exception {
        GssapiMechanism m = mechanism();
        Context tls = new Context(true);
        assertTrue(m.isOffered(tls));
        SaslStep step = exchange(kdc.login("alice", "alice pw"), TestKdc.HOST, m.start(tls));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, step, "got " + step);
        assertEquals("alice", success.username());
    }

    @Test
    void aDisabledAccountIsRefusedWhateverItsTicket_andNobodyIsLetInWhenItCannotBeTold() throws Exception {
        Users users = new Users();
        users.disabled.add("alice");
        GssapiMechanism m = mechanism(users);
        SaslStep.Failure disabled = refused(exchange(kdc.login("alice", "alice pw"), TestKdc.HOST, m.start(new Context(true))));
        assertEquals(SaslFailure.ACCOUNT_DISABLED, disabled.condition());

        m.unsetUserManager(users);
        SaslStep.Failure unknown = refused(exchange(kdc.login("alice", "alice pw"), TestKdc.HOST, m.start(new Context(true))));
        assertEquals(SaslFailure.TEMPORARY_AUTH_FAILURE, unknown.condition(), "the auth bundle away: not let in");
    }

    @Test
    void gssapiIsNotOfferedOutsideTls() {
        GssapiMechanism m = mechanism();
        assertFalse(m.isOffered(new Context(false)));
        SaslStep step = m.start(new Context(false)).evaluate(new byte[] {1}).toCompletableFuture().join();
        assertEquals(SaslFailure.ENCRYPTION_REQUIRED, refused(step).condition());
    }

    @Test
    void noTicketIsNotAuthorizedWithATextThatSaysSo() {
        SaslNegotiation n = mechanism().start(new Context(true));
        assertInstanceOf(SaslStep.Challenge.class, n.evaluate(new byte[0]).toCompletableFuture().join(),
                "no initial response: an empty challenge asks for it");
        SaslStep.Failure f = refused(n.evaluate(new byte[0]).toCompletableFuture().join());
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("no Kerberos ticket"), f.text());
    }

    @Test
    void aTokenThatIsNoKerberosTokenIsNotAuthorized() {
        SaslNegotiation n = mechanism().start(new Context(true));
        SaslStep.Failure f = refused(n.evaluate("not a token".getBytes()).toCompletableFuture().join());
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition(), f.text());
    }

    @Test
    void anExpiredTicketIsNotAuthorizedWithATextThatSaysSo() throws Exception {
        Subject subject = kdc.withExpiredServiceTicket("alice", "alice pw", TestKdc.SERVICE, kdc.serviceKeytab);
        SaslStep.Failure f = refused(exchange(subject, TestKdc.HOST, mechanism().start(new Context(true))));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("expired"), f.text());
    }

    @Test
    void aTicketForAnotherServiceIsNotAuthorizedWithATextThatSaysSo() throws Exception {
        SaslStep.Failure f = refused(exchange(kdc.login("alice", "alice pw"), "otherhost", mechanism().start(new Context(true))));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("not for this service"), f.text());
    }

    @Test
    void aPrincipalOfARealmNotAllowedIsNotAuthorized() throws Exception {
        SaslStep.Failure f = refused(exchange(kdc.login("alice", "alice pw"), TestKdc.HOST,
                mechanism("OTHER.TEST").start(new Context(true))));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("realm EXAMPLE.TEST"), f.text());
    }

    @Test
    void aPrincipalWithAnInstanceHasNoAccountByTheDefaultRule() throws Exception {
        SaslStep.Failure f = refused(exchange(kdc.login("alice/admin", "admin pw"), TestKdc.HOST,
                mechanism().start(new Context(true))));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("alice/admin@EXAMPLE.TEST has no account"), f.text());
    }

    @Test
    void aMissingKeytabIsNotOfferedAndAKeytabArrivingLaterIs() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        long[] now = {1_000_000};
        GssapiMechanism m = new GssapiMechanism(WORKERS, etc, () -> now[0]);
        assertTrue(m.apply(config("xmpp.keytab", TestKdc.SERVICE), true), "a missing keytab is no configuration error");
        assertFalse(m.usable());
        assertFalse(m.isOffered(new Context(true)));
        Files.copy(kdc.serviceKeytab, etc.resolve("xmpp.keytab"));
        now[0] += GssapiMechanism.RECHECK_MILLIS;
        m.isOffered(new Context(true)); // looks again, on the pool
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!m.usable() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(m.isOffered(new Context(true)));
    }

    @Test
    void aKeytabWithoutTheServicesKeyIsNotOffered() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        Files.copy(kdc.serviceKeytab, etc.resolve("xmpp.keytab"));
        GssapiMechanism m = new GssapiMechanism(WORKERS, etc, System::currentTimeMillis);
        assertTrue(m.apply(config("xmpp.keytab", "xmpp/elsewhere@" + TestKdc.REALM), true));
        assertFalse(m.isOffered(new Context(true)));
        Files.writeString(etc.resolve("garbage.keytab"), "not a keytab");
        assertTrue(m.apply(config("garbage.keytab", TestKdc.SERVICE), false));
        assertFalse(m.isOffered(new Context(true)));
    }

    @Test
    void anInvalidConfigurationKeepsTheOneRunning() throws Exception {
        GssapiMechanism m = mechanism();
        assertFalse(m.apply(config(kdc.serviceKeytab.getFileName().toString(), "not a principal"), false));
        assertTrue(m.isOffered(new Context(true)), "the previous configuration still runs");
        SaslStep step = exchange(kdc.login("alice", "alice pw"), TestKdc.HOST, m.start(new Context(true)));
        assertInstanceOf(SaslStep.Success.class, step, "got " + step);
    }
}
