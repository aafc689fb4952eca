package org.parley.im.last;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
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
 * Answers {@code jabber:iq:last} to the server with the seconds since it started (XEP-0012
 * section 5). A query to a user's account is the roster bundle's: the time since a contact was
 * last seen needs the presence subscription that shows it.
 */
@Component(property = {IqHandler.NAMESPACE + "=" + UptimeHandler.NAMESPACE, IqHandler.TO + "=" + IqHandler.TO_SERVER})
public final class UptimeHandler implements IqHandler {
    public static final String NAMESPACE = "jabber:iq:last";

    private final ServerInfo server;
    private final LongSupplier startMillis;
    private final LongSupplier nowMillis;

    @Activate
    public UptimeHandler(@Reference ServerInfo server) {
        this(server, () -> ManagementFactory.getRuntimeMXBean().getStartTime(), System::currentTimeMillis);
    }

    UptimeHandler(ServerInfo server, LongSupplier startMillis, LongSupplier nowMillis) {
        this.server = server;
        this.startMillis = startMillis;
        this.nowMillis = nowMillis;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (iq.to() == null || !iq.to().equals(server.domain())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (!"get".equals(iq.type()) || !iq.payload().name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        long seconds = Math.max(0, (nowMillis.getAsLong() - startMillis.getAsLong()) / 1000);
        return CompletableFuture.completedFuture(iq.resultReply(Element.builder("query", NAMESPACE)
                .attribute("seconds", Long.toString(seconds)).build()));
    }
}
