package org.parley.ldap.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.IqHandler;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * vCards (XEP-0054 vcard-temp) of directory users, built from their entries and read-only: a user
 * changes them in the directory. No other bundle answers vcard-temp; this component is enabled
 * by {@link LdapProvider} only while a directory is configured with {@code vcards} on, so service
 * discovery lists vcard-temp only then.
 */
@Component(name = DirectoryVCards.NAME, enabled = false, property = IqHandler.NAMESPACE + "=" + VCards.NAMESPACE)
public final class DirectoryVCards implements IqHandler {
    static final String NAME = "org.parley.ldap.vcards";

    private final LdapProvider provider;
    private final WorkerPool workers;

    @Activate
    public DirectoryVCards(@Reference LdapProvider provider, @Reference WorkerPool workers) {
        this.provider = provider;
        this.workers = workers;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if ("set".equals(iq.type())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.NOT_ALLOWED,
                    "vCards here come from the directory: change yours there"));
        }
        Jid subject = iq.to() == null ? iq.from() : iq.to();
        if (subject == null || subject.getLocalpartOrNull() == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "the server has no vCard"));
        }
        String username = subject.getLocalpartOrNull().toString();
        UserLookup directory = provider.directory();
        LdapSettings.VCardMap map = directory == null ? null : directory.client().settings().vcard();
        if (map == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no vCard"));
        }
        return directory.find(username).thenCompose(found -> {
            if (!(found instanceof DirectoryClient.User user)) {
                // A local account: it has no vCard here.
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no vCard"));
            }
            return workers.submit(() -> directory.client().attributes(user.dn(), map.attributes().values()))
                    .thenApply(attributes -> iq.resultReply(VCards.build(map, attributes)));
        }).exceptionally(e -> iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the directory does not answer; try later"));
    }
}
