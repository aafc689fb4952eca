package org.parley.api.auth;

import java.io.BufferedReader;
import java.util.List;

/**
 * Manages the internal accounts of the served domain. Usernames are localparts; they are
 * prepared (RFC 7622 UsernameCaseMapped) before use. Blocking: call off I/O threads.
 */
public interface UserManager {
    void create(String username, String password) throws UserException;

    void setPassword(String username, String password) throws UserException;

    void delete(String username) throws UserException;

    boolean exists(String username) throws UserException;

    /** Localparts in order, from offset, at most limit of them. */
    List<String> list(int offset, int limit) throws UserException;

    int count() throws UserException;

    /**
     * Creates accounts in bulk from lines of {@code localpart-or-jid password}; blank lines and
     * lines starting with '#' are skipped. Existing accounts get the new password.
     *
     * @return the number of accounts written
     * @throws UserException naming the first bad line, in which case nothing is written; or a
     *     storage failure part-way, whose message says how many accounts were written before it
     */
    int importUsers(BufferedReader lines) throws UserException;

    /**
     * Creates accounts in bulk from credentials derived elsewhere: lines of
     * {@code localpart-or-jid credential [credential]}, each credential in the RFC 5803 form
     * {@code SCRAM-SHA-1$iterations:salt$StoredKey:ServerKey} (or {@code SCRAM-SHA-256$...}),
     * base64 as in RFC 4648. Blank lines and lines starting with '#' are skipped. An existing
     * account's credentials are all replaced by the ones on its line.
     *
     * <p>A default method because a manager whose accounts live elsewhere (a directory) may have
     * nowhere to put SCRAM keys; such a manager refuses the import.
     *
     * @return the number of accounts written
     * @throws UserException as {@link #importUsers}
     * @since 1.1
     */
    default int importScramCredentials(BufferedReader lines) throws UserException {
        throw new UserException("this user manager cannot import SCRAM credentials");
    }

    /**
     * Disables an account: it can no longer sign in (SASL answers {@code account-disabled}, RFC 6120
     * section 6.5.1) and its sessions end, but nothing stored for it is deleted. Disabling an
     * account that is disabled already changes nothing. An account whose credentials live in a
     * directory can be disabled too: the directory keeps accepting its password, the server refuses
     * the sign-in.
     *
     * <p>A default method because a manager that has nowhere to keep the state refuses it.
     *
     * @throws UserException when there is no such account, or this manager cannot disable accounts
     * @since 2.2
     */
    default void disable(String username) throws UserException {
        throw new UserException("this user manager cannot disable accounts");
    }

    /**
     * Lets a disabled account sign in again. Enabling an account that is not disabled changes
     * nothing.
     *
     * @throws UserException when there is no such account and none is disabled by that name
     * @since 2.2
     */
    default void enable(String username) throws UserException {
        throw new UserException("this user manager cannot enable accounts");
    }

    /** @since 2.2 */
    default boolean isDisabled(String username) throws UserException {
        return false;
    }

    /**
     * The disabled accounts' localparts in order, from offset, at most limit of them.
     *
     * @since 2.2
     */
    default List<String> listDisabled(int offset, int limit) throws UserException {
        return List.of();
    }
}
