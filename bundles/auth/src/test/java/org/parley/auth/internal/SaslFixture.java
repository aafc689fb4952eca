package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramHash;

/** A SASL service over an in-memory store, with its worker pool; closed after each test. */
final class SaslFixture implements AutoCloseable {
    static final byte[] SECRET = "an installation secret for tests".getBytes(StandardCharsets.US_ASCII);

    final InMemoryUserStore store = new InMemoryUserStore();
    final AuthWorkers workers;
    final DefaultSaslService service;

    SaslFixture(AuthSettings settings, Supplier<String> serverNonces) {
        this(settings, serverNonces, new AuthWorkers());
    }

    SaslFixture(AuthSettings settings, Supplier<String> serverNonces, AuthWorkers workers) {
        this.workers = workers;
        this.service = new DefaultSaslService(store, workers, settings, SECRET, serverNonces, System::nanoTime);
        service.addAuthenticator(new StoredPasswordAuthenticator(store, workers, settings),
                Map.of("service.ranking", StoredPasswordAuthenticator.RANKING, "service.id", 1L));
    }

    static SaslFixture withDefaults() {
        return new SaslFixture(AuthSettings.DEFAULTS, () -> "serverNonce0123456789");
    }

    /** Adds an account with real SCRAM credentials for both hashes, with 16-byte salts as StoreUserManager makes. */
    void addUser(String username, String password, int iterations) {
        byte[] salt1 = java.util.Arrays.copyOf(Scram.digest(ScramHash.SHA_256, ("1" + username).getBytes(StandardCharsets.UTF_8)), 16);
        byte[] salt256 = java.util.Arrays.copyOf(Scram.digest(ScramHash.SHA_256, ("256" + username).getBytes(StandardCharsets.UTF_8)), 16);
        store.create(username, java.util.List.of(
                Scram.credential(ScramHash.SHA_1, password, salt1, iterations),
                Scram.credential(ScramHash.SHA_256, password, salt256, iterations)));
    }

    static SaslStep step(SaslNegotiation negotiation, byte[] response) throws Exception {
        return negotiation.evaluate(response).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static SaslStep step(SaslNegotiation negotiation, String response) throws Exception {
        return step(negotiation, response.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] challenge(SaslStep step) {
        return assertInstanceOf(SaslStep.Challenge.class, step, () -> "expected a challenge, got " + step).data();
    }

    static SaslStep.Failure failure(SaslStep step) {
        return assertInstanceOf(SaslStep.Failure.class, step, () -> "expected a failure, got " + step);
    }

    static SaslStep.Success success(SaslStep step) {
        return assertInstanceOf(SaslStep.Success.class, step, () -> "expected success, got " + step);
    }

    static AuthSettings throttled(int threshold, Duration base, Duration max) {
        AuthSettings d = AuthSettings.DEFAULTS;
        return new AuthSettings(d.iterations(), threshold, d.failureWindow(), base, max, d.trackedAddresses());
    }

    @Override
    public void close() {
        workers.close();
    }
}
