package org.parley.api.auth;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Maps an identity a mechanism proved (a Kerberos principal, a client certificate) to a local
 * account: the directory's mapping, a realm-to-domain rule. Registered as a service; asked in order
 * of {@code service.ranking}, highest first, until one answers with an account. Must not block:
 * look things up on {@link org.parley.api.server.WorkerPool}.
 */
public interface IdentityMapper {
    /**
     * @return the local account's localpart (prepared, RFC 7622), or empty when this mapper does
     *     not know the identity; completing exceptionally fails the authentication with
     *     temporary-auth-failure
     */
    CompletionStage<Optional<String>> localUser(AuthenticatedIdentity identity);
}
