package org.parley.probe.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/**
 * A component on {@code echo.localhost}: answers each chat message with "echo &lt;version&gt;:
 * &lt;body&gt;", so a test sees which version of this bundle answered.
 */
@Component(property = org.parley.api.routing.Component.DOMAIN + "=echo.localhost")
public final class EchoComponent implements org.parley.api.routing.Component {
    private final StanzaRouter router;
    private final String version;

    @Activate
    public EchoComponent(BundleContext context, @Reference StanzaRouter router) {
        this.router = router;
        this.version = context.getBundle().getVersion().toString();
    }

    @Override
    public void receive(Stanza stanza) {
        if (stanza.kind() != Stanza.Kind.MESSAGE || stanza.isError() || stanza.from() == null) {
            return;
        }
        String body = stanza.element().childText("body");
        Element.Builder reply = Element.builder("message", Namespaces.CLIENT).attribute("from", stanza.to().toString())
                .attribute("to", stanza.from().toString()).attribute("type", "chat");
        if (stanza.id() != null) {
            reply.attribute("id", stanza.id());
        }
        reply.child(Element.builder("body", Namespaces.CLIENT).text("echo " + version + ": " + body).build());
        router.route(Stanza.create(reply.build()));
    }
}
