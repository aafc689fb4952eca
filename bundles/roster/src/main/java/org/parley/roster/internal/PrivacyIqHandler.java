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

/** Privacy lists (XEP-0016): a user's own lists, get and set. */
@Component(property = IqHandler.NAMESPACE + "=" + Privacy.NAMESPACE)
public final class PrivacyIqHandler implements IqHandler {
    private final RosterService rosters;

    @Activate
    public PrivacyIqHandler(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (origin == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (iq.to() != null && !iq.to().equals(origin.bareJid())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "only your own privacy lists"));
        }
        if (!iq.payload().name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        Privacy privacy = rosters.privacy();
        return "get".equals(iq.type()) ? privacy.get(iq, origin) : privacy.set(iq, origin);
    }
}
