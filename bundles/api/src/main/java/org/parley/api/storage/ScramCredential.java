package org.parley.api.storage;

import java.util.Objects;

/**
 * A salted SCRAM credential (RFC 5802 section 3): what the server keeps instead of a password.
 * The byte arrays are not copied: treat them as read-only, and compare credentials by content
 * ({@link java.util.Arrays#equals}), not with {@code equals}.
 */
public record ScramCredential(ScramHash hash, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    public ScramCredential {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(storedKey, "storedKey");
        Objects.requireNonNull(serverKey, "serverKey");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
    }
}
