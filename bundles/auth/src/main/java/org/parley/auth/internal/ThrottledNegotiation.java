package org.parley.auth.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;

/**
 * Slows down the failure answers of a negotiation when its remote address has failed repeatedly
 * (see {@link FailureThrottle}). The delay is a timer, not a sleeping thread: the stage simply
 * completes later.
 */
final class ThrottledNegotiation implements SaslNegotiation {
    private final SaslNegotiation inner;
    private final InetAddress address;
    private final FailureThrottle throttle;
    private final Supplier<AuthSettings> settings;
    private final AuthWorkers workers;

    ThrottledNegotiation(SaslNegotiation inner, InetAddress address, FailureThrottle throttle,
            Supplier<AuthSettings> settings, AuthWorkers workers) {
        this.inner = inner;
        this.address = address;
        this.throttle = throttle;
        this.settings = settings;
        this.workers = workers;
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        return inner.evaluate(response).thenCompose(step -> {
            if (step instanceof SaslStep.Success) {
                throttle.success(address);
            } else if (step instanceof SaslStep.Failure failure
                    && failure.condition() != SaslFailure.TEMPORARY_AUTH_FAILURE) {
                // A temporary failure is ours, not the client's: it does not count.
                Duration delay = throttle.failure(address, settings.get());
                if (!delay.isZero()) {
                    return workers.delay(step, delay);
                }
            }
            return CompletableFuture.completedFuture(step);
        });
    }
}
