package org.parley.probe.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/**
 * A policy interceptor on inbound chat messages: it stamps each one with
 * {@code <checked xmlns='urn:parley:probe' by='version'/>}. A message that reached its recipient
 * without the stamp passed unchecked, which a policy interceptor must never let happen, not even
 * while it is being replaced.
 */
@Component(property = {StanzaInterceptor.KINDS + "=message", StanzaInterceptor.DIRECTION + "=inbound",
    StanzaInterceptor.POLICY + ":Boolean=true"})
public final class TaggingInterceptor implements StanzaInterceptor {
    static final String NAMESPACE = "urn:parley:probe";
    private final String version;

    @Activate
    public TaggingInterceptor(BundleContext context) {
        this.version = context.getBundle().getVersion().toString();
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
        if (stanza.isError() || stanza.element().child("body", stanza.element().namespace()) == null) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }
        Element stamped = stanza.element().toBuilder()
                .child(Element.builder("checked", NAMESPACE).attribute("by", version).build()).build();
        return CompletableFuture.completedFuture(InterceptResult.proceed(Stanza.create(stamped)));
    }
}
