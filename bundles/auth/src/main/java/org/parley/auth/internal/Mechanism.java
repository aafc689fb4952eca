package org.parley.auth.internal;

import org.parley.api.storage.ScramHash;

/** The SASL mechanisms this bundle runs, in the order they are offered: strongest first. */
enum Mechanism {
    SCRAM_SHA_256_PLUS("SCRAM-SHA-256-PLUS", ScramHash.SHA_256, true),
    SCRAM_SHA_1_PLUS("SCRAM-SHA-1-PLUS", ScramHash.SHA_1, true),
    SCRAM_SHA_256("SCRAM-SHA-256", ScramHash.SHA_256, false),
    SCRAM_SHA_1("SCRAM-SHA-1", ScramHash.SHA_1, false),
    PLAIN("PLAIN", null, false);

    /** RFC 5929 section 4: the channel binding the -PLUS variants use. */
    static final String CHANNEL_BINDING = "tls-server-end-point";

    private final String saslName;
    private final ScramHash hash;
    private final boolean plus;

    Mechanism(String saslName, ScramHash hash, boolean plus) {
        this.saslName = saslName;
        this.hash = hash;
        this.plus = plus;
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
}
