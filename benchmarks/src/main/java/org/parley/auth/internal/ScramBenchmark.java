package org.parley.auth.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

/**
 * The server's side of one authentication, with the default 4096 iterations.
 *
 * <p>PLAIN costs a PBKDF2 per login: the server derives SaltedPassword from the password it was
 * sent and compares StoredKey. SCRAM moves that work to the client: the server only checks the
 * proof with a few HMACs. The SCRAM exchange is RFC 7677's example (user "user", password
 * "pencil", fixed salt and server nonce), so the client's messages are constants and none of
 * the client's work is measured; each exchange is checked against the RFC's server-final.
 *
 * <p>Both go through the mechanism services as the session core calls them (PRECIS, the failure
 * throttle, the credential lookup on the worker pool, so a thread hand-off per lookup); {@code scramSha256Inline}
 * is the bare SCRAM computation without the pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScramBenchmark {
    private static final String PASSWORD = "pencil";
    private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final byte[] CLIENT_FIRST = utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    private static final byte[] CLIENT_FINAL = utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    private static final byte[] PLAIN_SHA_256 = utf8("\0user\0" + PASSWORD);
    /** An account with only a SHA-1 credential, as one imported from an older server may be. */
    private static final byte[] PLAIN_SHA_1 = utf8("\0olduser\0" + PASSWORD);

    private final SaslContext connection = new TlsConnection();
    private AuthWorkers workers;
    private AuthCore core;
    private PlainMechanism plain;
    private ScramSha256Mechanism scramSha256;
    private ScramCredentials inlineCredentials;
    private Supplier<String> randomNonces;

    @Setup
    public void setUp() throws Exception {
        int iterations = AuthSettings.DEFAULTS.iterations();
        ScramCredential sha256 = Scram.credential(ScramHash.SHA_256, PASSWORD, SALT, iterations);
        MemoryUserStore store = new MemoryUserStore();
        store.create("user", List.of(sha256, Scram.credential(ScramHash.SHA_1, PASSWORD, SALT, iterations)));
        store.create("olduser", List.of(Scram.credential(ScramHash.SHA_1, PASSWORD, SALT, iterations)));
        workers = new AuthWorkers();
        core = new AuthCore(store, workers, AuthSettings.DEFAULTS,
                utf8("an installation secret for benchmarks"), () -> SERVER_NONCE, System::nanoTime, name -> false);
        plain = new PlainMechanism(core);
        scramSha256 = new ScramSha256Mechanism(core);
        core.addAuthenticator(new StoredPasswordAuthenticator(store, workers, AuthSettings.DEFAULTS),
                Map.of("service.ranking", StoredPasswordAuthenticator.RANKING, "service.id", 1L));
        CompletableFuture<ScramCredentials.Lookup> found = CompletableFuture.completedFuture(new ScramCredentials.Lookup(sha256, true));
        inlineCredentials = (username, rawName, hash) -> found;
        // The server's own nonce source, measured as it is rather than copied.
        randomNonces = AuthCore.randomNonces();

        expectSuccess(plainSha256(), "user");
        expectSuccess(plainSha1(), "olduser");
        expectServerFinal(scramSha256());
        expectServerFinal(scramSha256Inline());
    }

    @TearDown
    public void tearDown() {
        workers.close();
    }

    /** PLAIN for an account with a SHA-256 credential: PBKDF2-HMAC-SHA-256 on the worker pool. */
    @Benchmark
    public SaslStep plainSha256() {
        return exchange(plain.start(connection), PLAIN_SHA_256);
    }

    /** PLAIN for an account with only a SHA-1 credential (one lookup more, then PBKDF2-HMAC-SHA-1). */
    @Benchmark
    public SaslStep plainSha1() {
        return exchange(plain.start(connection), PLAIN_SHA_1);
    }

    /** client-first, server-first, client-final, server-final. */
    @Benchmark
    public SaslStep scramSha256() {
        return exchange(scramSha256.start(connection), CLIENT_FIRST, CLIENT_FINAL);
    }

    /** The same exchange with the credential at hand: the SCRAM arithmetic and message handling only. */
    @Benchmark
    public SaslStep scramSha256Inline() {
        ScramNegotiation n = new ScramNegotiation(Mechanism.SCRAM_SHA_256, connection, inlineCredentials, () -> SERVER_NONCE);
        return exchange(n, CLIENT_FIRST, CLIENT_FINAL);
    }

    /** What the fixed nonce above leaves out: the server's 24 random bytes per exchange, in base64. */
    @Benchmark
    public String serverNonce() {
        return randomNonces.get();
    }

    private static SaslStep exchange(SaslNegotiation negotiation, byte[]... responses) {
        SaslStep step = null;
        for (byte[] response : responses) {
            step = negotiation.evaluate(response).toCompletableFuture().join();
        }
        return step;
    }

    private static void expectSuccess(SaslStep step, String username) {
        if (!(step instanceof SaslStep.Success s) || !username.equals(s.username())) {
            throw new IllegalStateException("expected " + username + " to be authenticated, got " + step);
        }
    }

    private static void expectServerFinal(SaslStep step) {
        expectSuccess(step, "user");
        String serverFinal = new String(((SaslStep.Success) step).additionalData(), StandardCharsets.UTF_8);
        if (!SERVER_FINAL.equals(serverFinal)) {
            throw new IllegalStateException("not RFC 7677's server-final: " + serverFinal);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A direct-TLS connection from one address, without channel binding (so no -PLUS). */
    private static final class TlsConnection implements SaslContext {
        private final DomainBareJid domain = JidCreate.domainBareFromOrThrowUnchecked("localhost");
        private final InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 40000);

        @Override
        public DomainBareJid domain() {
            return domain;
        }

        @Override
        public boolean isSecure() {
            return true;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
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
}
