package org.parley.api.auth;

import java.util.concurrent.CompletionStage;

/**
 * Checks a plaintext password (SASL PLAIN) against one source: the internal store, a directory.
 * Several are chained by service ranking, highest first; the first that knows the user decides.
 */
public interface PasswordAuthenticator {
    /** The outcome of one check. */
    enum Result {
        /** The password is right. */
        ACCEPTED,
        /** The user is known here and the password is wrong. */
        REJECTED,
        /** This source does not know the user: ask the next one. */
        UNKNOWN_USER
    }

    /**
     * @param username the prepared localpart (RFC 7622 UsernameCaseMapped)
     * @param password the prepared password (RFC 8265 OpaqueString)
     * @return a stage that may complete on another thread; never blocks the caller
     */
    CompletionStage<Result> authenticate(String username, String password);
}
