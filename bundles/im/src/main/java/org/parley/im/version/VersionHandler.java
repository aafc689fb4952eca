package org.parley.im.version;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Answers {@code jabber:iq:version} queries to the server's domain with the product name and
 * the version of this bundle, so an operator (or a test) can see which im bundle is live after
 * an upgrade. The operating system is not disclosed (XEP-0092 section 6 leaves it optional and
 * it helps attackers).
 */
@Component(property = IqHandler.NAMESPACE + "=" + VersionHandler.NAMESPACE)
public final class VersionHandler implements IqHandler {
    public static final String NAMESPACE = "jabber:iq:version";

    private final ServerInfo server;
    private final String version;

    @Activate
    public VersionHandler(BundleContext context, @Reference ServerInfo server) {
        this(server, context.getBundle().getVersion().toString());
    }

    VersionHandler(ServerInfo server, String version) {
        this.server = server;
        this.version = version;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (iq.to() != null && !iq.to().equals(server.domain())) {
            // A query to a user's bare JID is the user's to answer, and no client answers for its account.
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (!"get".equals(iq.type()) || !iq.payload().name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        Element query = Element.builder("query", NAMESPACE)
                .textChild("name", server.productName())
                .textChild("version", version)
                .build();
        return CompletableFuture.completedFuture(iq.resultReply(query));
    }
}
