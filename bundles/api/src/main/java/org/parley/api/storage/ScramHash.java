package org.parley.api.storage;

/** The hash functions SCRAM credentials are stored for. */
public enum ScramHash {
    SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", 20),
    SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", 32);

    private final String mechanism;
    private final String hmacAlgorithm;
    private final String digestAlgorithm;
    private final int length;

    ScramHash(String mechanism, String hmacAlgorithm, String digestAlgorithm, int length) {
        this.mechanism = mechanism;
        this.hmacAlgorithm = hmacAlgorithm;
        this.digestAlgorithm = digestAlgorithm;
        this.length = length;
    }

    /** The SASL mechanism name without -PLUS. */
    public String mechanism() {
        return mechanism;
    }

    public String hmacAlgorithm() {
        return hmacAlgorithm;
    }

    public String digestAlgorithm() {
        return digestAlgorithm;
    }

    /** The output length in bytes. */
    public int length() {
        return length;
    }
}
