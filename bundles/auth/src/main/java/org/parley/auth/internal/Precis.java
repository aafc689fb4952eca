package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import rocks.xmpp.precis.PrecisProfiles;

/** String preparation for account names (RFC 7622 localparts) and passwords (RFC 8265 OpaqueString). */
final class Precis {
    /** RFC 7622 section 3.3.1: characters a localpart must not contain, although PRECIS allows them. */
    private static final String FORBIDDEN_IN_LOCALPART = "\"&'/:<>@";
    private static final int MAX_LOCALPART_OCTETS = 1023;

    private Precis() {
    }

    /**
     * Prepares a localpart with the UsernameCaseMapped profile and checks the JID rules on top.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static String username(String localpart) {
        if (localpart == null || localpart.isEmpty()) {
            throw new IllegalArgumentException("the username is empty");
        }
        String prepared;
        try {
            prepared = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(localpart);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + localpart + "' is not a valid username: " + e.getMessage(), e);
        }
        for (int i = 0; i < prepared.length(); i++) {
            if (FORBIDDEN_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new IllegalArgumentException("'" + localpart + "' is not a valid username: it contains '"
                        + prepared.charAt(i) + "'");
            }
        }
        if (prepared.getBytes(StandardCharsets.UTF_8).length > MAX_LOCALPART_OCTETS) {
            throw new IllegalArgumentException("the username is longer than " + MAX_LOCALPART_OCTETS + " bytes");
        }
        return prepared;
    }

    /**
     * Prepares a password with the OpaqueString profile.
     *
     * @throws IllegalArgumentException with a one-line reason (never the password itself)
     */
    static String password(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
        try {
            return PrecisProfiles.OPAQUE_STRING.enforce(password);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the password is not valid: " + e.getMessage(), e);
        }
    }
}
