package org.parley.auth.internal;

import java.util.concurrent.CompletionStage;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

/** Where a SCRAM exchange gets the credential it verifies against. */
interface ScramCredentials {
    /**
     * The credential to run the exchange with. For an account that does not exist (or a name
     * that cannot be one) it is a fake whose salt is stable per name, so the server-first message
     * looks the same as for a real account; such an exchange always fails at the end.
     *
     * @param username the prepared localpart, or null when the name could not be prepared
     * @param rawName the name as sent, which seeds the fake salt when username is null
     */
    CompletionStage<Lookup> lookup(String username, String rawName, ScramHash hash);

    /** @param known false for a fake credential */
    record Lookup(ScramCredential credential, boolean known) {
    }
}
