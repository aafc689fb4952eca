package org.parley.ldap.internal;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.Element;
import org.parley.api.vcard.VCardSource;

/**
 * The vCard fields (XEP-0054) a directory user's entry supplies, through the configured attribute
 * map: the vcard bundle shows them in place of the user's own, read-only for those fields (a user
 * changes them in the directory). Enabled by {@link LdapProvider} only while a directory is
 * configured with {@code vcards} on.
 */
@Component(name = DirectoryVCards.NAME, enabled = false, service = VCardSource.class)
public final class DirectoryVCards implements VCardSource {
    static final String NAME = "org.parley.ldap.vcards";

    private final LdapProvider provider;
    private final WorkerPool workers;

    @Activate
    public DirectoryVCards(@Reference LdapProvider provider, @Reference WorkerPool workers) {
        this.provider = provider;
        this.workers = workers;
    }

    @Override
    public CompletionStage<Optional<Element>> vCard(String username) {
        UserLookup directory = provider.directory();
        LdapSettings.VCardMap map = directory == null ? null : directory.client().settings().vcard();
        if (map == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return directory.find(username).thenCompose(found -> {
            if (!(found instanceof DirectoryClient.User user)) {
                // A local account: the directory has nothing to say about it.
                return CompletableFuture.completedFuture(Optional.<Element>empty());
            }
            return workers.submit(() -> directory.client().attributes(user.dn(), map.attributes().values()))
                    .thenApply(attributes -> Optional.of(VCards.build(map, attributes)));
        });
    }
}
