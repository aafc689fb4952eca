package org.parley.api.auth;

/** The server's answer to one client response in a SASL exchange. */
public sealed interface SaslStep {
    /** Another round: send {@code <challenge/>} with this data (empty is sent as "="). */
    record Challenge(byte[] data) implements SaslStep {
    }

    /**
     * Authenticated: send {@code <success/>} with the optional additional data.
     *
     * @param additionalData the server's final data (SCRAM's server signature); null or empty for none,
     *     which is sent as an empty {@code <success/>}
     * @param username the authenticated account's localpart, already prepared (RFC 7622 / PRECIS)
     */
    record Success(byte[] additionalData, String username) implements SaslStep {
    }

    /** Refused: send {@code <failure/>} with this condition. */
    record Failure(SaslFailure condition, String text) implements SaslStep {
    }
}
