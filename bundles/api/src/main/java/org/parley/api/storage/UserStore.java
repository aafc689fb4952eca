package org.parley.api.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts and their SCRAM credentials. Calls block on I/O: never call them on an I/O thread.
 * Usernames are prepared localparts.
 */
public interface UserStore {
    /** Creates an account; false when it exists already. */
    boolean create(String username, List<ScramCredential> credentials);

    /** Creates or replaces many accounts in one transaction (bulk import). */
    void upsertAll(Map<String, List<ScramCredential>> accounts);

    /** Replaces an account's credentials; false when there is no such account. */
    boolean setCredentials(String username, List<ScramCredential> credentials);

    /** Deletes an account and everything stored for it; false when there is no such account. */
    boolean delete(String username);

    boolean exists(String username);

    /** The stored credential for one hash, if the account exists and has one. */
    Optional<ScramCredential> credential(String username, ScramHash hash);

    List<String> list(int offset, int limit);

    int count();
}
