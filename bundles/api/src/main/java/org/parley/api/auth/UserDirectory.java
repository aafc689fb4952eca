package org.parley.api.auth;

import java.util.concurrent.CompletionStage;

/**
 * Says whether an account of the served domain exists: the internal store, a directory.
 * Registered as a service; an account exists when any registered directory says so. Routing asks
 * it before answering for an account that has no session (an iq to a bare JID that does not exist
 * gets service-unavailable, RFC 6121 section 8.5.1), and feature bundles ask it before keeping
 * anything for an account (a subscription, an offline message). Must not block; implementations
 * may cache, but a newly created account must exist within a minute.
 */
public interface UserDirectory {
    /**
     * @param username the prepared localpart (RFC 7622 UsernameCaseMapped)
     * @return whether the account exists; completing exceptionally means "unknown" and callers
     *     then treat the account as existing rather than refuse a real user
     */
    CompletionStage<Boolean> exists(String username);
}
