package org.parley.auth.internal;

import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.storage.ScramHash;

/**
 * The SASL mechanisms this bundle registers, strongest first, with the {@code service.ranking}
 * each is registered with. The session core offers mechanisms in ranking order, so the rankings
 * are the offer order: channel-bound SCRAM before plain SCRAM, SHA-256 before SHA-1, PLAIN last.
 * They leave room between them for mechanisms of other bundles (EXTERNAL, GSSAPI).
 */
enum Mechanism {
    SCRAM_SHA_256_PLUS("SCRAM-SHA-256-PLUS", ScramHash.SHA_256, true, Mechanism.RANK_SCRAM_SHA_256_PLUS),
    SCRAM_SHA_1_PLUS("SCRAM-SHA-1-PLUS", ScramHash.SHA_1, true, Mechanism.RANK_SCRAM_SHA_1_PLUS),
    SCRAM_SHA_256("SCRAM-SHA-256", ScramHash.SHA_256, false, Mechanism.RANK_SCRAM_SHA_256),
    SCRAM_SHA_1("SCRAM-SHA-1", ScramHash.SHA_1, false, Mechanism.RANK_SCRAM_SHA_1),
    PLAIN("PLAIN", null, false, Mechanism.RANK_PLAIN);

    // Compile-time constants, because the components' @Component(property = ...) needs them.
    static final int RANK_SCRAM_SHA_256_PLUS = 500;
    static final int RANK_SCRAM_SHA_1_PLUS = 400;
    static final int RANK_SCRAM_SHA_256 = 300;
    static final int RANK_SCRAM_SHA_1 = 200;
    static final int RANK_PLAIN = 100;

    /** RFC 5929 section 4: the channel binding the -PLUS variants use. */
    static final String CHANNEL_BINDING = "tls-server-end-point";

    private final String saslName;
    private final ScramHash hash;
    private final boolean plus;
    private final int ranking;

    Mechanism(String saslName, ScramHash hash, boolean plus, int ranking) {
        this.saslName = saslName;
        this.hash = hash;
        this.plus = plus;
        this.ranking = ranking;
    }

    String saslName() {
        return saslName;
    }

    /** The SCRAM hash, or null for PLAIN. */
    ScramHash hash() {
        return hash;
    }

    boolean plus() {
        return plus;
    }

    /** The service ranking the mechanism is registered with. */
    int ranking() {
        return ranking;
    }

    /**
     * Whether the mechanism may run on this connection: -PLUS only with tls-server-end-point
     * channel binding, PLAIN only inside TLS (never a cleartext password on the wire).
     */
    boolean isOffered(SaslContext context) {
        if (plus) {
            return context.channelBinding(CHANNEL_BINDING).isPresent();
        }
        if (this == PLAIN) {
            return context.isSecure();
        }
        return true;
    }

    /** The answer to a client that starts the mechanism where it is not offered (RFC 6120 section 6.5). */
    SaslFailure refusal() {
        return this == PLAIN ? SaslFailure.ENCRYPTION_REQUIRED : SaslFailure.INVALID_MECHANISM;
    }
}
