package org.parley.im.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * Answers {@code <time xmlns='urn:xmpp:time'/>} to the server with the server's UTC time and its
 * offset (XEP-0202), which clients use to correct a wrong clock on the device.
 */
@Component(property = IqHandler.NAMESPACE + "=" + TimeHandler.NAMESPACE)
public final class TimeHandler implements IqHandler {
    public static final String NAMESPACE = "urn:xmpp:time";

    private final ServerInfo server;
    private final Clock clock;

    @Activate
    public TimeHandler(@Reference ServerInfo server) {
        this(server, Clock.systemDefaultZone());
    }

    TimeHandler(ServerInfo server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (iq.to() != null && !iq.to().equals(server.domain())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (!"get".equals(iq.type()) || !iq.payload().name().equals("time")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ZoneOffset offset = clock.getZone().getRules().getOffset(now);
        String tzo = offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId();
        return CompletableFuture.completedFuture(iq.resultReply(Element.builder("time", NAMESPACE)
                .textChild("tzo", tzo)
                .textChild("utc", DateTimeFormatter.ISO_INSTANT.format(now))
                .build()));
    }
}
