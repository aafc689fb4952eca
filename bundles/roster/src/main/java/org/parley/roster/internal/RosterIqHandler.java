package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Roster get and set (RFC 6121 section 2), for a user's own roster only. */
@Component(property = IqHandler.NAMESPACE + "=" + RosterItem.NAMESPACE)
public final class RosterIqHandler implements IqHandler {
    private final RosterService rosters;

    @Activate
    public RosterIqHandler(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element query = iq.payload();
        if (origin == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        EntityBareJid user = origin.bareJid();
        // Section 2.1.3 and 2.3: a roster is its owner's; a request for anyone else's is not answered with it.
        if (iq.to() != null && !iq.to().equals(user)) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "only your own roster"));
        }
        if (!query.name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        return "get".equals(iq.type()) ? rosters.get(iq, origin, user) : rosters.set(iq, user);
    }
}
