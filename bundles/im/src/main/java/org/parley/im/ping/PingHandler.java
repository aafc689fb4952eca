package org.parley.im.ping;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Answers {@code <ping xmlns='urn:xmpp:ping'/>} with an empty result (XEP-0199 section 4.2). */
@Component(property = IqHandler.NAMESPACE + "=" + PingHandler.NAMESPACE)
public final class PingHandler implements IqHandler {
    public static final String NAMESPACE = "urn:xmpp:ping";

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (!"get".equals(iq.type()) || !iq.payload().name().equals("ping")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        return CompletableFuture.completedFuture(iq.resultReply(null));
    }
}
