package org.parley.auth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.parley.auth}: credential strength and the slowdown of repeated failures. */
@ObjectClassDefinition(id = AuthConfig.PID, name = "Parley authentication",
        description = "SCRAM credential strength and the slowdown of repeated authentication failures.")
public @interface AuthConfig {
    String PID = "org.parley.auth";

    // min and max as AuthSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(name = "PBKDF2 iterations", min = "4096", max = "100000000",
            description = "Iteration count of new SCRAM credentials (RFC 7677 asks for at least 4096).")
    int iterations() default 4096;

    @AttributeDefinition(name = "Failures before slowdown", min = "0", max = "1000000",
            description = "Failed authentications from one address that are answered at once; later ones are delayed.")
    int failureThreshold() default 3;

    @AttributeDefinition(name = "Failure window (s)", min = "1", max = "86400",
            description = "Failures this far apart or closer count as one series; a quieter address starts afresh.")
    int failureWindowSeconds() default 60;

    @AttributeDefinition(name = "First delay (ms)", min = "1", max = "600000",
            description = "Delay of the first slowed-down failure answer; each further failure doubles it.")
    int failureDelayBaseMillis() default 1000;

    @AttributeDefinition(name = "Longest delay (ms)", min = "1", max = "600000", description = "Cap of the failure answer delay.")
    int failureDelayMaxMillis() default 30000;

    @AttributeDefinition(name = "Tracked addresses", min = "1", max = "10000000",
            description = "Most addresses whose failures are remembered; the least recent are forgotten first.")
    int failureTrackedAddresses() default 10000;

    @AttributeDefinition(name = "Shortest failure answer (ms)", min = "0", max = "10000",
            description = "A failed authentication is answered no sooner than this after the client's message, nor "
                    + "sooner than the slowest failure of the last one to two minutes (at most 2 s), so an unknown "
                    + "account and a wrong password take the same time whichever password providers (internal store, "
                    + "password file, directory) were asked. 0: answered as soon as known.")
    int failureMinimumMillis() default 200;

    @AttributeDefinition(name = "Failures per account before slowdown", min = "1", max = "1000000",
            description = "Failed sign-ins for one account, from any addresses, within the failure window that are "
                    + "answered at once; later failures for it are delayed like an address's (first delay, doubling, "
                    + "longest delay), so guessing one account's password from many addresses is slowed too. A "
                    + "success with the right password is never delayed, so the account's owner is not locked out.")
    int accountFailureThreshold() default 5;

    @AttributeDefinition(name = "Local passwords", description = "Whether accounts of the internal store sign in by "
            + "password, switched live. Off: PLAIN no longer asks the internal store and SCRAM is no longer offered (its "
            + "keys are the store's); 'bin/parley status' no longer lists the store. The accounts stay (user list, admin "
            + "console, rosters), sessions already signed in stay, and other providers (password file, directory, "
            + "Kerberos, certificates) sign in as before. Administrators usually have local accounts: keep another way in.")
    boolean localPasswords() default true;
}
