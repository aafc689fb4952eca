package org.example.extending;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

// A content rule: messages to local users carry at most 10,000 characters of text.
@Component(property = {StanzaInterceptor.KINDS + "=message", StanzaInterceptor.DIRECTION + "=inbound",
    StanzaInterceptor.POLICY + ":Boolean=true"})
public final class LongMessagePolicy implements StanzaInterceptor {
    static final int MAX = 10_000;

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza message, Interception interception) {
        String body = message.element().childText("body");
        if (body != null && body.length() > MAX) {
            return CompletableFuture.completedFuture(InterceptResult.refuse(StanzaErrorCondition.POLICY_VIOLATION,
                    "messages are limited to " + MAX + " characters"));
        }
        return CompletableFuture.completedFuture(InterceptResult.proceed(message));
    }
}
