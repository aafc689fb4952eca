package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramHash;

/**
 * The bundle's SASL mechanisms over an in-memory store, wired as DS would wire them: one
 * {@link AuthCore} shared by the five mechanism components, with the internal password
 * authenticator in its PLAIN chain. Closed after each test.
 */
final class SaslFixture implements AutoCloseable {
    static final byte[] SECRET = "an installation secret for tests".getBytes(StandardCharsets.US_ASCII);

    final InMemoryUserStore store;
    final AuthWorkers workers;
    final AuthCore core;
    /** The accounts the fixture's mechanisms treat as disabled. */
    final java.util.Set<String> disabled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** In the order of their registered service ranking, highest first, as the session core sorts them. */
    final List<RegisteredMechanism> mechanisms;

    SaslFixture(AuthSettings settings, Supplier<String> serverNonces) {
        this(new InMemoryUserStore(), settings, serverNonces, new AuthWorkers());
    }

    SaslFixture(InMemoryUserStore store, AuthSettings settings, Supplier<String> serverNonces, AuthWorkers workers) {
        this.store = store;
        this.workers = workers;
        this.core = new AuthCore(store, workers, settings, SECRET, serverNonces, System::nanoTime, disabled::contains);
        core.addAuthenticator(new StoredPasswordAuthenticator(store, workers, settings),
                Map.of("service.ranking", StoredPasswordAuthenticator.RANKING, "service.id", 1L));
        this.mechanisms = allMechanisms(core).stream()
                .sorted(Comparator.comparingInt((RegisteredMechanism m) -> m.mechanism().ranking()).reversed())
                .toList();
    }

    /** One instance of every mechanism component of the bundle, in no particular order. */
    static List<RegisteredMechanism> allMechanisms(AuthCore core) {
        return List.of(new PlainMechanism(core), new ScramSha1Mechanism(core), new ScramSha256Mechanism(core),
                new ScramSha1PlusMechanism(core), new ScramSha256PlusMechanism(core));
    }

    static SaslFixture withDefaults() {
        return new SaslFixture(AuthSettings.DEFAULTS, () -> "serverNonce0123456789");
    }

    /** The names the session core would offer on this connection, in its order. */
    List<String> offered(SaslContext context) {
        return mechanisms.stream().filter(m -> m.isOffered(context)).map(RegisteredMechanism::name).toList();
    }

    RegisteredMechanism mechanism(String name) {
        return mechanisms.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no mechanism " + name));
    }

    /** Starts the named mechanism as the session core does once the client picked it. */
    SaslNegotiation start(String name, SaslContext context) {
        return mechanism(name).start(context);
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
