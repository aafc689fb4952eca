package org.example.extending;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.IdentityMapper;

// Kerberos principals of one realm are local accounts: alice@EXAMPLE.EDU signs in as alice.
@Component
public final class RealmMapper implements IdentityMapper {
    static final String REALM = "EXAMPLE.EDU";

    @Override
    public CompletionStage<Optional<String>> localUser(AuthenticatedIdentity identity) {
        String name = identity.name();
        int at = name.lastIndexOf('@');
        if (identity.kind() != AuthenticatedIdentity.Kind.KERBEROS_PRINCIPAL || at < 1 || !name.substring(at + 1).equals(REALM)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(Optional.of(name.substring(0, at).toLowerCase(Locale.ROOT)));
    }
}
