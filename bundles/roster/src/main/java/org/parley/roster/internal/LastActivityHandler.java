package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * XEP-0012 last activity asked of an account (section 4): how long ago the user was last seen,
 * for the user and the contacts that see their presence. The same namespace asked of the server
 * (its uptime) is the im bundle's.
 */
@Component(property = {IqHandler.NAMESPACE + "=" + RosterService.LAST_ACTIVITY, IqHandler.TO + "=" + IqHandler.TO_ACCOUNT})
public final class LastActivityHandler implements IqHandler {
    private final RosterService rosters;

    @Activate
    public LastActivityHandler(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (!"get".equals(iq.type()) || !iq.payload().name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "ask with a get of an empty query"));
        }
        EntityBareJid owner = iq.to() != null ? iq.to().asEntityBareJidIfPossible() : origin == null ? null : origin.bareJid();
        if (owner == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "ask of an account"));
        }
        return rosters.lastActivity(iq, owner);
    }
}
