package org.parley.auth.internal;

import java.util.concurrent.CompletableFuture;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;

/**
 * The part every mechanism component of this bundle has in common: its name, when it is offered,
 * and that its exchanges are throttled by the shared {@link AuthCore}. A subclass per mechanism
 * is the DS component, so each is a service of its own with its own {@code service.ranking}.
 * Every exchange refuses a disabled account.
 */
abstract class RegisteredMechanism implements SaslMechanism {
    private final Mechanism mechanism;
    final AuthCore core;

    RegisteredMechanism(Mechanism mechanism, AuthCore core) {
        this.mechanism = mechanism;
        this.core = core;
    }

    Mechanism mechanism() {
        return mechanism;
    }

    @Override
    public final String name() {
        return mechanism.saslName();
    }

    @Override
    public final boolean isOffered(SaslContext context) {
        return mechanism.isOffered(context);
    }

    /**
     * Starts an exchange. The session core only starts offered mechanisms; should it start one
     * anyway (the connection changed in between, or a bug), the exchange fails rather than run:
     * PLAIN must never see a password outside TLS.
     */
    @Override
    public final SaslNegotiation start(SaslContext context) {
        if (!isOffered(context)) {
            SaslStep refused = new SaslStep.Failure(mechanism.refusal(), name() + " is not offered on this connection");
            return response -> CompletableFuture.completedFuture(refused);
        }
        SaslNegotiation negotiation = negotiation(context);
        return core.throttled(core.checked(negotiation), context,
                negotiation instanceof AttemptedAccount attempted ? attempted::attemptedAccount : () -> null);
    }

    /** A new, unthrottled exchange on a connection where the mechanism is offered. */
    abstract SaslNegotiation negotiation(SaslContext context);
}
