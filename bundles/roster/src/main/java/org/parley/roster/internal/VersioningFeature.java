package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.stanza.Element;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;

/**
 * Tells clients after authentication that the roster is versioned (XEP-0237 section 3), so they
 * may cache it and ask only whether it changed. Announced only: nothing is negotiated.
 */
@Component(property = StreamFeature.NAMESPACE + "=" + VersioningFeature.NAMESPACE)
public final class VersioningFeature implements StreamFeature {
    static final String NAMESPACE = "urn:xmpp:features:rosterver";

    @Override
    public Element advertise(StreamContext stream) {
        return stream.username() == null ? null : Element.empty("ver", NAMESPACE);
    }

    @Override
    public CompletionStage<Void> handle(Element element, StreamContext stream) {
        return CompletableFuture.completedFuture(null);
    }
}
