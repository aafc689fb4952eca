package org.parley.admin.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.PasswordAuthenticator.Result;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * Checks a password the way SASL PLAIN does for clients: the username and password prepared
 * with the same PRECIS profiles (RFC 7622, RFC 8265), then the {@link PasswordAuthenticator}s in
 * ranking order, the first that knows the user deciding. An admin signs in with what their XMPP
 * client uses, whichever provider (internal store, directory) holds it.
 */
final class Passwords {
    private Passwords() {
    }

    /** The prepared localpart, or null when the name cannot be one. */
    static String username(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            String prepared = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(raw);
            for (char c : "\"&'/:<>@".toCharArray()) {
                if (prepared.indexOf(c) >= 0) {
                    return null;
                }
            }
            return prepared;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String password(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return PrecisProfiles.OPAQUE_STRING.enforce(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static CompletionStage<Result> check(List<PasswordAuthenticator> chain, String username, String password) {
        return walk(chain, 0, username, password);
    }

    private static CompletionStage<Result> walk(List<PasswordAuthenticator> chain, int from, String username, String password) {
        if (from == chain.size()) {
            return CompletableFuture.completedFuture(Result.UNKNOWN_USER);
        }
        CompletionStage<Result> answer;
        try {
            answer = chain.get(from).authenticate(username, password);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return answer.thenCompose(result -> result == null || result == Result.UNKNOWN_USER
                ? walk(chain, from + 1, username, password)
                : CompletableFuture.completedFuture(result));
    }
}
