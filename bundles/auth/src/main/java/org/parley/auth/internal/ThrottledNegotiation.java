package org.parley.auth.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down the failure answers of a negotiation when its remote address has failed repeatedly
 * (see {@link FailureThrottle}), and answers no failure sooner than {@code failureMinimum} after
 * the client's message, so that how long a refusal takes says nothing about whether the account
 * exists (an unknown name may be asked of more providers than a known one, or of none). The delay
 * is a timer, not a sleeping thread: the stage simply completes later.
 */
final class ThrottledNegotiation implements SaslNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(ThrottledNegotiation.class);
    private final SaslNegotiation inner;
    private final InetAddress address;
    private final FailureThrottle throttle;
    private final Supplier<AuthSettings> settings;
    private final AuthWorkers workers;
    private final FailureTimes times;
    private final Supplier<String> account;
    private final FailureThrottle accounts;

    ThrottledNegotiation(SaslNegotiation inner, InetAddress address, FailureThrottle throttle,
            Supplier<AuthSettings> settings, AuthWorkers workers, FailureTimes times, Supplier<String> account,
            FailureThrottle accounts) {
        this.times = times;
        this.account = account;
        this.accounts = accounts;
        this.inner = inner;
        this.address = address;
        this.throttle = throttle;
        this.settings = settings;
        this.workers = workers;
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        long started = System.nanoTime();
        return inner.evaluate(response).thenCompose(step -> {
            if (step instanceof SaslStep.Success success) {
                throttle.success(address);
                accounts.success(success.username());
            } else if (step instanceof SaslStep.Failure failure
                    && failure.condition() != SaslFailure.TEMPORARY_AUTH_FAILURE) {
                // A temporary failure is ours, not the client's: it does not count.
                AuthSettings s = settings.get();
                Duration delay = throttle.failure(address, s);
                String tried = account.get();
                // account-disabled comes after the right password: no guess to slow down.
                if (tried != null && failure.condition() != SaslFailure.ACCOUNT_DISABLED) {
                    Duration forAccount = accounts.failure(tried, s.accountFailureThreshold(), s);
                    if (forAccount.equals(s.failureDelayBase())) {
                        // The first delayed answer of a series: once, not per attempt.
                        LOG.warn("Sign-in failures for account {}: more than {} within {} s (the last from {}); its "
                                + "failure answers are delayed from now on", tried, s.accountFailureThreshold(),
                                s.failureWindow().toSeconds(), address.getHostAddress());
                    }
                    if (forAccount.compareTo(delay) > 0) {
                        delay = forAccount;
                    }
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                Duration floor = s.failureMinimum();
                if (!floor.isZero()) {
                    // 0 turns equalisation off altogether; otherwise the floor is at least the slowest recent refusal.
                    times.record(took);
                    Duration recent = times.recentMax();
                    if (recent.compareTo(floor) > 0) {
                        floor = recent;
                    }
                }
                Duration untilMinimum = floor.minus(took);
                if (untilMinimum.compareTo(delay) > 0) {
                    delay = untilMinimum;
                }
                if (delay.compareTo(Duration.ofMillis(1)) >= 0) {
                    return workers.delay(step, delay);
                }
            }
            return CompletableFuture.completedFuture(step);
        });
    }
}
