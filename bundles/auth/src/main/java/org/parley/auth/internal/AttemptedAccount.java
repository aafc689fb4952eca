package org.parley.auth.internal;

/**
 * A negotiation that knows which account it was asked for, once the client said (PLAIN's authcid,
 * SCRAM's username): the key of the per-account failure count.
 */
interface AttemptedAccount {
    /** The prepared username the client tried, or null when it has not said or named none validly. */
    String attemptedAccount();
}
