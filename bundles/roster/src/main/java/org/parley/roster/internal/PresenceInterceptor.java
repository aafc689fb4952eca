package org.parley.roster.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Presence as the roster sees it: a local user's broadcast presence and subscription stanzas on
 * the way out, subscription stanzas and probes for a local user on the way in. Directed presence
 * passes through (the session core keeps track of it), and so does everything else.
 */
@Component(property = {StanzaInterceptor.KINDS + "=presence"})
public final class PresenceInterceptor implements StanzaInterceptor {
    /** RFC 6121 section 4.7.1 and 3: the presence types there are. */
    static final Set<String> TYPES = Set.of("unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe", "error");
    private static final Set<String> SUBSCRIPTION = Set.of("subscribe", "subscribed", "unsubscribe", "unsubscribed");

    private final RosterService rosters;

    @Activate
    public PresenceInterceptor(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza presence, Interception interception) {
        String type = presence.type();
        if (type != null && !TYPES.contains(type)) {
            return CompletableFuture.completedFuture(InterceptResult.refuse(StanzaErrorCondition.BAD_REQUEST,
                    "no presence type '" + type + "'"));
        }
        if (interception.direction() == Direction.OUTBOUND) {
            if (presence.to() == null) {
                if (type == null || "unavailable".equals(type)) {
                    return rosters.broadcast(presence, interception.origin(), interception.account());
                }
                return CompletableFuture.completedFuture("error".equals(type) ? InterceptResult.consumed()
                        : InterceptResult.refuse(StanzaErrorCondition.BAD_REQUEST, "a " + type + " needs a 'to'"));
            }
            if (type != null && SUBSCRIPTION.contains(type)) {
                return rosters.outbound(presence, interception.origin(), interception.account());
            }
            return CompletableFuture.completedFuture(InterceptResult.proceed(presence));
        }
        if (presence.from() != null && type != null && SUBSCRIPTION.contains(type)) {
            return rosters.inbound(presence, interception.account());
        }
        if (presence.from() != null && "probe".equals(type)) {
            return rosters.probe(presence, interception.account());
        }
        return CompletableFuture.completedFuture(InterceptResult.proceed(presence));
    }
}
