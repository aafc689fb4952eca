package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.stanza.Element;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;

/**
 * Tells clients after authentication that the server keeps subscription pre-approvals (RFC 6121
 * section 3.4): a "subscribed" sent before the contact asks is remembered, not dropped. Announced
 * only: nothing is negotiated.
 */
@Component(property = StreamFeature.NAMESPACE + "=" + PreApprovalFeature.NAMESPACE)
public final class PreApprovalFeature implements StreamFeature {
    static final String NAMESPACE = "urn:xmpp:features:pre-approval";

    @Override
    public Element advertise(StreamContext stream) {
        return stream.username() == null ? null : Element.empty("sub", NAMESPACE);
    }

    @Override
    public CompletionStage<Void> handle(Element element, StreamContext stream) {
        return CompletableFuture.completedFuture(null);
    }
}
