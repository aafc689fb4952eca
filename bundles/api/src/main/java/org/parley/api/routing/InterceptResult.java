package org.parley.api.routing;

import java.util.Objects;
import org.parley.api.stanza.Stanza;

/** What an interceptor decided: continue routing (a possibly rewritten stanza), or stop because it took the stanza. */
public final class InterceptResult {
    private static final InterceptResult CONSUMED = new InterceptResult(null);
    private final Stanza stanza;

    private InterceptResult(Stanza stanza) {
        this.stanza = stanza;
    }

    public static InterceptResult proceed(Stanza stanza) {
        return new InterceptResult(Objects.requireNonNull(stanza, "stanza"));
    }

    public static InterceptResult consumed() {
        return CONSUMED;
    }

    public boolean isConsumed() {
        return stanza == null;
    }

    /** The stanza to continue routing with. */
    public Stanza stanza() {
        if (stanza == null) {
            throw new IllegalStateException("consumed");
        }
        return stanza;
    }
}
