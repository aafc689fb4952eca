package org.parley.auth.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.UserStore;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every SASL mechanism of this bundle shares: the live {@link AuthSettings}, one
 * {@link FailureThrottle} (so failures count per remote address whichever mechanism the client
 * picks: switching from SCRAM to PLAIN must not reset the slowdown), the installation secret behind
 * the fake credentials of unknown users, the server nonces, and the chain of
 * {@link PasswordAuthenticator}s that PLAIN asks.
 *
 * <p>A private service, like {@link AuthWorkers}: its type is in a package no other bundle can
 * import. The mechanism components reference it statically; {@link #modified} applies a changed
 * configuration in place, so a configuration change restarts neither it nor them.
 */
@Component(service = AuthCore.class, configurationPid = AuthConfig.PID)
@Designate(ocd = AuthConfig.class)
public final class AuthCore implements ScramCredentials {
    private static final Logger LOG = LoggerFactory.getLogger(AuthCore.class);
    private static final int SERVER_NONCE_BYTES = 24;
    private static final Comparator<RankedAuthenticator> CHAIN_ORDER = Comparator
            .comparingInt(RankedAuthenticator::ranking).reversed()
            .thenComparingLong(RankedAuthenticator::serviceId);

    private final UserStore store;
    private final AuthWorkers workers;
    private final byte[] secret;
    private final Supplier<String> serverNonces;
    private final SecureRandom random = new SecureRandom();
    private final FailureThrottle throttle;
    /** How long refusals took lately, for answering every refusal as late as the slowest (timing equalisation). */
    private final FailureTimes failureTimes;
    /** Failures per account, from any address: guessing one password from many addresses is slowed too. */
    private final FailureThrottle accountThrottle;
    /** Whether an authenticated username is disabled; blocks on the database. */
    private final Predicate<String> disabled;
    private volatile AuthSettings settings;
    /** Sorted by CHAIN_ORDER; replaced as a whole on every change. */
    private volatile List<RankedAuthenticator> authenticators = List.of();
    /**
     * While an authenticator is replaced (its component left and has not come back), sign-ins wait
     * for its successor, at most this long: without it, a directory user would be told their
     * password is wrong during the directory bundle's upgrade.
     */
    static final long REPLACEMENT_GRACE_MILLIS = 5000;
    private final Standby<String, RankedAuthenticator> byName;

    /** @param name the DS component name, by which a successor is recognised; null for a service registered otherwise */
    private record RankedAuthenticator(PasswordAuthenticator authenticator, int ranking, long serviceId, String name) {
    }

    @Activate
    public AuthCore(@Reference UserStore store, @Reference AuthWorkers workers, @Reference DisabledAccounts disabled,
            BundleContext context, AuthConfig config, Map<String, Object> properties) {
        this(store, workers, initialSettings(config, properties), secret(context), randomNonces(), System::nanoTime,
                disabled::isDisabled);
    }

    /** The constructor tests use: fixed settings, secret, nonces and clock, and which accounts are disabled. */
    AuthCore(UserStore store, AuthWorkers workers, AuthSettings settings, byte[] secret,
            Supplier<String> serverNonces, LongSupplier nanoClock, Predicate<String> disabled) {
        this.store = store;
        this.disabled = disabled;
        this.workers = workers;
        this.settings = settings;
        this.secret = secret.clone();
        this.serverNonces = serverNonces;
        this.throttle = new FailureThrottle(nanoClock);
        this.failureTimes = new FailureTimes(nanoClock);
        this.accountThrottle = new FailureThrottle(nanoClock);
        this.byName = new Standby<>(workers == null ? null : workers.timer(), () -> REPLACEMENT_GRACE_MILLIS);
    }

    /**
     * Applies changed values at once, to exchanges already under way too (their throttling reads
     * the settings when it answers). This component is the one that logs invalid values of the PID;
     * the others that read it take the same fallbacks silently.
     */
    @Modified
    void modified(AuthConfig config, Map<String, Object> properties) {
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(config, properties, settings, problems);
        settings = s;
        problems.forEach(p -> LOG.error("{}: {}", AuthConfig.PID, p));
        LOG.info("{} applied: {} free failures per address and {} per account within {} s, then {} ms doubling to {} ms; "
                + "shortest failure answer {} ms", AuthConfig.PID, s.failureThreshold(), s.accountFailureThreshold(),
                s.failureWindow().toSeconds(), s.failureDelayBase().toMillis(), s.failureDelayMax().toMillis(),
                s.failureMinimum().toMillis());
    }

    private static AuthSettings initialSettings(AuthConfig config, Map<String, Object> properties) {
        List<String> problems = new ArrayList<>();
        AuthSettings s = AuthSettings.from(config, properties, AuthSettings.DEFAULTS, problems);
        problems.forEach(p -> LOG.error("{}: {}", AuthConfig.PID, p));
        return s;
    }

    AuthSettings settings() {
        return settings;
    }

    Supplier<String> serverNonces() {
        return serverNonces;
    }

    // --- the PLAIN chain

    @Reference(name = "authenticators", service = PasswordAuthenticator.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeAuthenticator",
            updated = "updateAuthenticator")
    void addAuthenticator(PasswordAuthenticator authenticator, Map<String, Object> properties) {
        synchronized (this) {
            List<RankedAuthenticator> next = new ArrayList<>(authenticators);
            RankedAuthenticator added = ranked(authenticator, properties);
            next.add(added);
            next.sort(CHAIN_ORDER);
            authenticators = List.copyOf(next);
            if (added.name() != null) {
                byName.arrived(added.name(), added);
            }
        }
    }

    void updateAuthenticator(PasswordAuthenticator authenticator, Map<String, Object> properties) {
        // The ranking may have changed: re-sort.
        synchronized (this) {
            removeAuthenticator(authenticator);
            addAuthenticator(authenticator, properties);
        }
    }

    void removeAuthenticator(PasswordAuthenticator authenticator) {
        synchronized (this) {
            List<RankedAuthenticator> next = new ArrayList<>(authenticators);
            for (RankedAuthenticator r : authenticators) {
                if (r.authenticator() == authenticator) {
                    next.remove(r);
                    if (r.name() != null) {
                        byName.departed(r.name(), r);
                    }
                }
            }
            authenticators = List.copyOf(next);
        }
    }

    private static RankedAuthenticator ranked(PasswordAuthenticator authenticator, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object id = properties.get(Constants.SERVICE_ID);
        Object name = properties.get("component.name");
        return new RankedAuthenticator(authenticator, ranking(ranking, name),
                id instanceof Long l ? l : Long.MAX_VALUE, name == null ? null : name.toString());
    }

    /**
     * A provider's place in the chain. An operator sets it as {@code service.ranking} in the
     * provider's etc/ file, and FileInstall hands such values over as text; DS puts the configured
     * value in the service properties as it came. The framework orders only by an Integer, so text
     * holding a whole number is read as one here (and by {@code bin/parley status}), else the
     * operator's ranking would silently count as 0.
     */
    static int ranking(Object value, Object component) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                LOG.warn("{}: key 'service.ranking': '{}' is not a whole number; ranked 0", component, text);
            }
        }
        return 0;
    }

    /** The PLAIN chain as it stands now, highest ranking first. */
    List<PasswordAuthenticator> chain() {
        return authenticators.stream().map(RankedAuthenticator::authenticator).toList();
    }

    /** The PLAIN chain once no authenticator is being replaced (or its grace period is over). */
    CompletionStage<List<PasswordAuthenticator>> completeChain() {
        if (byName.isAnyWaiting()) {
            return byName.awaitAll().thenCompose(v -> completeChain()); // one gone for good: the others answer alone
        }
        return CompletableFuture.completedFuture(chain());
    }

    // --- disabled accounts

    /**
     * The negotiation with its success for a disabled account turned into {@code account-disabled}
     * (RFC 6120 section 6.5.1). Checked after the credentials, whichever mechanism or password
     * authenticator (a directory too) proved them, so the answer tells nothing to someone who does
     * not know the password. The database is read on the workers; when it cannot answer, the
     * client is told to try later rather than let in.
     */
    SaslNegotiation checked(SaslNegotiation negotiation) {
        return response -> negotiation.evaluate(response).thenCompose(step -> step instanceof SaslStep.Success success
                ? enabledOnly(success)
                : CompletableFuture.completedFuture(step));
    }

    private CompletionStage<SaslStep> enabledOnly(SaslStep.Success success) {
        return workers.supply(() -> disabled.test(success.username())).handle((isDisabled, error) -> {
            if (error != null) {
                LOG.warn("Cannot tell whether {} is disabled, the sign-in is refused for now: {}", success.username(),
                        error.toString());
                return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "try again later");
            }
            return isDisabled ? new SaslStep.Failure(SaslFailure.ACCOUNT_DISABLED, "this account is disabled") : success;
        });
    }

    // --- throttling

    /** The negotiation with its failure answers slowed down per remote address (see {@link FailureThrottle}). */
    SaslNegotiation throttled(SaslNegotiation negotiation, SaslContext context) {
        return throttled(negotiation, context, () -> null);
    }

    /**
     * The same, with the failures also counted per account (from any address) once the
     * negotiation knows which account it was asked for.
     *
     * @param account the prepared username tried, or null while unknown
     */
    SaslNegotiation throttled(SaslNegotiation negotiation, SaslContext context, Supplier<String> account) {
        InetSocketAddress remote = context.remoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return negotiation; // nothing to count failures by
        }
        return new ThrottledNegotiation(negotiation, remote.getAddress(), throttle, this::settings, workers, failureTimes,
                account, accountThrottle);
    }

    // --- SCRAM credentials

    @Override
    public CompletionStage<Lookup> lookup(String username, String rawName, ScramHash hash) {
        if (username == null) {
            return CompletableFuture.completedFuture(new Lookup(fakeCredential(rawName, hash), false));
        }
        // The store blocks: never on the caller's (I/O) thread.
        return workers.supply(() -> store.credential(username, hash))
                .thenApply(found -> found.map(c -> new Lookup(c, true))
                        .orElseGet(() -> new Lookup(fakeCredential(username, hash), false)));
    }

    /**
     * A credential for a name that has none: its salt is derived from the installation secret and
     * the name, so asking twice gives the same salt, as for a real account; its keys are random,
     * so no proof can match them.
     */
    ScramCredential fakeCredential(String name, ScramHash hash) {
        byte[] seed = Scram.hmac(ScramHash.SHA_256, secret,
                (hash.digestAlgorithm() + '\0' + name).getBytes(StandardCharsets.UTF_8));
        byte[] storedKey = new byte[hash.length()];
        byte[] serverKey = new byte[hash.length()];
        random.nextBytes(storedKey);
        random.nextBytes(serverKey);
        return new ScramCredential(hash, Arrays.copyOf(seed, Scram.SALT_LENGTH), settings.iterations(), storedKey,
                serverKey);
    }

    /** The secret for fake salts: kept under parley.data; for this run only when there is no such directory. */
    private static byte[] secret(BundleContext context) {
        SecureRandom random = new SecureRandom();
        String data = context.getProperty("parley.data");
        if (data != null && !data.isBlank()) {
            Path file = Path.of(data.trim(), "auth", "scram-fake-salt.secret");
            try {
                return InstallationSecret.loadOrCreate(file, random);
            } catch (IOException e) {
                LOG.warn("Cannot keep the SCRAM secret in {} ({}): using one for this run only, so unknown "
                        + "users' fake salts change at restart", file, e.toString());
            }
        } else {
            LOG.warn("Framework property parley.data is not set: the SCRAM secret lasts for this run only, so "
                    + "unknown users' fake salts change at restart");
        }
        byte[] secret = new byte[InstallationSecret.LENGTH];
        random.nextBytes(secret);
        return secret;
    }

    /** Server nonces: 24 random bytes in base64 (RFC 5802 asks for unpredictable nonces). */
    static Supplier<String> randomNonces() {
        SecureRandom random = new SecureRandom();
        Base64.Encoder b64 = Base64.getEncoder();
        return () -> {
            byte[] nonce = new byte[SERVER_NONCE_BYTES];
            random.nextBytes(nonce);
            return b64.encodeToString(nonce);
        };
    }
}
