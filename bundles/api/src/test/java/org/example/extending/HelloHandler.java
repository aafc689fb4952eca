package org.example.extending;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

// Answers <iq type='get'><hello xmlns='urn:example:hello'/></iq> sent to the server.
@Component(property = IqHandler.NAMESPACE + "=urn:example:hello")
public final class HelloHandler implements IqHandler {
    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element answer = Element.builder("hello", "urn:example:hello").text("hi " + iq.from()).build();
        return CompletableFuture.completedFuture(iq.resultReply(answer));
    }
}
