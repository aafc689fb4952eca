package org.example.extending;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

// A component on echo.example.org that answers every chat message with its own text.
@Component(property = org.parley.api.routing.Component.DOMAIN + "=echo.example.org")
public final class EchoBot implements org.parley.api.routing.Component {
    private final StanzaRouter router;

    @Activate
    public EchoBot(@Reference StanzaRouter router) {
        this.router = router;
    }

    @Override
    public void receive(Stanza stanza) {
        String body = stanza.element().childText("body");
        if (stanza.kind() != Stanza.Kind.MESSAGE || stanza.isError() || body == null) {
            return;
        }
        router.route(Stanza.create(Element.builder("message", Namespaces.CLIENT)
                .attribute("from", stanza.to().toString()).attribute("to", stanza.from().toString())
                .attribute("type", "chat").textChild("body", body).build()));
    }
}
