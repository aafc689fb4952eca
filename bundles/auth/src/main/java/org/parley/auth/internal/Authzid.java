package org.parley.auth.internal;

import java.util.Locale;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;

/** The authorization identity rule of this server: none, or the authenticated user's own bare JID. */
final class Authzid {
    private Authzid() {
    }

    /**
     * @param authzid as sent, empty when absent
     * @param username the prepared localpart that authenticates
     * @throws SaslFailureException invalid-authzid unless authzid is empty or username@domain
     */
    static void check(String authzid, String username, SaslContext context) throws SaslFailureException {
        if (authzid.isEmpty()) {
            return;
        }
        int at = authzid.indexOf('@');
        if (at > 0 && authzid.indexOf('/') < 0) {
            String domain = context.domain().toString();
            String givenDomain = authzid.substring(at + 1);
            if (givenDomain.endsWith(".")) {
                givenDomain = givenDomain.substring(0, givenDomain.length() - 1);
            }
            try {
                if (Precis.username(authzid.substring(0, at)).equals(username)
                        && givenDomain.toLowerCase(Locale.ROOT).equals(domain.toLowerCase(Locale.ROOT))) {
                    return;
                }
            } catch (IllegalArgumentException invalidLocalpart) {
                // falls through to the failure below
            }
        }
        throw new SaslFailureException(SaslFailure.INVALID_AUTHZID, "authzid must be empty or your own bare JID");
    }
}
