package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** The blocking command (XEP-0191): a user's own block list, get and set. */
@Component(property = IqHandler.NAMESPACE + "=" + Blocking.NAMESPACE)
public final class BlockingIqHandler implements IqHandler {
    private final RosterService rosters;

    @Activate
    public BlockingIqHandler(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (origin == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (iq.to() != null && !iq.to().equals(origin.bareJid())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "only your own block list"));
        }
        Blocking blocking = rosters.blocking();
        return "get".equals(iq.type()) ? blocking.get(iq, origin) : blocking.set(iq, origin);
    }
}
