package org.example.extending;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.DeliveryFilter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;

// XEP-0352 reduced to its core: an inactive client is not sent presence updates.
@Component(service = {StreamFeature.class, DeliveryFilter.class}, property = StreamFeature.NAMESPACE + "=" + ClientStateIndication.CSI)
public final class ClientStateIndication implements StreamFeature, DeliveryFilter {
    static final String CSI = "urn:xmpp:csi:0";
    private final ConcurrentHashMap<String, Boolean> inactive = new ConcurrentHashMap<>();

    @Override
    public Element advertise(StreamContext stream) {
        return stream.username() == null ? null : Element.empty("csi", CSI); // offered after authentication
    }

    @Override
    public CompletionStage<Void> handle(Element nonza, StreamContext stream) {
        Session session = stream.session();
        if (session != null && nonza.name().equals("inactive")) {
            inactive.put(session.id(), true);
        } else if (session != null && nonza.name().equals("active")) {
            inactive.remove(session.id());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Stanza filter(Stanza stanza, Session recipient) {
        boolean skip = stanza.kind() == Stanza.Kind.PRESENCE && inactive.containsKey(recipient.id());
        return skip ? null : stanza;
    }
}
