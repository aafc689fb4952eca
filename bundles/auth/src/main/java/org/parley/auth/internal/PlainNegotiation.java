package org.parley.auth.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PLAIN exchange (RFC 4616), offered only inside TLS. The password is checked by the chain of
 * {@link PasswordAuthenticator}s, highest service ranking first: the first that accepts or rejects
 * decides; when none knows the user the answer is the same not-authorized as for a wrong password.
 */
final class PlainNegotiation implements SaslNegotiation, AttemptedAccount {
    private static final Logger LOG = LoggerFactory.getLogger(PlainNegotiation.class);

    private final SaslContext context;
    private final Supplier<CompletionStage<List<PasswordAuthenticator>>> chain;
    private volatile boolean emptyChallengeSent;
    private volatile boolean done;
    private volatile String attempted;

    PlainNegotiation(SaslContext context, Supplier<CompletionStage<List<PasswordAuthenticator>>> chain) {
        this.context = context;
        this.chain = chain;
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        try {
            if (done) {
                throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "the exchange is over");
            }
            if (response.length == 0 && !emptyChallengeSent) {
                // <auth/> without initial response: RFC 6120 6.4.2, ask for it with an empty challenge.
                emptyChallengeSent = true;
                return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
            }
            done = true;
            return authenticate(SaslText.utf8(response));
        } catch (SaslFailureException e) {
            done = true;
            return CompletableFuture.completedFuture(e.toStep());
        }
    }

    private CompletionStage<SaslStep> authenticate(String message) throws SaslFailureException {
        // message = [authzid] UTF8NUL authcid UTF8NUL passwd
        String[] parts = message.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "expected authzid NUL authcid NUL password");
        }
        String username;
        String password;
        try {
            username = Precis.username(parts[1]);
            password = Precis.password(parts[2]);
        } catch (IllegalArgumentException e) {
            // Neither can belong to an account: the same answer as a wrong password.
            throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED, "authentication failed");
        }
        attempted = username;
        Authzid.check(parts[0], username, context);
        return chain.get().thenCompose(authenticators -> walk(authenticators, 0, username, password)).handle((result, error) -> {
            if (error != null) {
                LOG.warn("PLAIN: password check failed: {}", error.toString());
                return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "try again later");
            }
            if (result == Result.ACCEPTED) {
                // PLAIN has no additional data with success: an empty array says so.
                return new SaslStep.Success(new byte[0], username);
            }
            return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, "authentication failed");
        });
    }

    @Override
    public String attemptedAccount() {
        return attempted;
    }

    /** Asks authenticators[from..] in turn until one knows the user. */
    private static CompletionStage<Result> walk(List<PasswordAuthenticator> authenticators, int from,
            String username, String password) {
        if (from == authenticators.size()) {
            return CompletableFuture.completedFuture(Result.UNKNOWN_USER);
        }
        CompletionStage<Result> answer;
        try {
            answer = authenticators.get(from).authenticate(username, password);
        } catch (RuntimeException e) {
            // A provider that throws instead of failing its stage must not take the exchange down.
            return CompletableFuture.failedFuture(e);
        }
        return answer.thenCompose(result -> {
            if (result == null) {
                throw new IllegalStateException(authenticators.get(from) + " answered null");
            }
            return result == Result.UNKNOWN_USER
                    ? walk(authenticators, from + 1, username, password)
                    : CompletableFuture.completedFuture(result);
        });
    }
}
