package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.osgi.service.component.annotations.Component;

/**
 * Refuses roster requests a client addresses to anyone but its own account: a roster push comes
 * from the user's own server (RFC 6121 section 2.1.6), so one a client sends to another user's
 * resource is a forgery, and routing would otherwise deliver it to that resource.
 */
@Component(property = {StanzaInterceptor.KINDS + "=iq", StanzaInterceptor.DIRECTION + "=outbound"})
public final class RosterPushGuard implements StanzaInterceptor {
    @Override
    public CompletionStage<InterceptResult> intercept(Stanza iq, Interception interception) {
        Element payload = iq.payload();
        if (iq.isIqRequest() && payload != null && RosterItem.NAMESPACE.equals(payload.namespace()) && iq.to() != null
                && !iq.to().asBareJid().equals(interception.account())) {
            return CompletableFuture.completedFuture(InterceptResult.refuse(StanzaErrorCondition.FORBIDDEN,
                    "roster requests go to your own account only"));
        }
        return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
    }
}
