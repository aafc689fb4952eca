package org.parley.api.routing;

import java.util.Objects;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * What an interceptor decided: continue routing (a possibly rewritten stanza), stop because it
 * took the stanza, or refuse it (the sender gets the error, unless the stanza is itself an error
 * or an iq result).
 */
public final class InterceptResult {
    private static final InterceptResult CONSUMED = new InterceptResult(null, null, null);
    private final Stanza stanza;
    private final StanzaErrorCondition refusal;
    private final String text;

    private InterceptResult(Stanza stanza, StanzaErrorCondition refusal, String text) {
        this.stanza = stanza;
        this.refusal = refusal;
        this.text = text;
    }

    public static InterceptResult proceed(Stanza stanza) {
        return new InterceptResult(Objects.requireNonNull(stanza, "stanza"), null, null);
    }

    public static InterceptResult consumed() {
        return CONSUMED;
    }

    /**
     * Refuses the stanza: routing stops and answers the sender with this condition.
     *
     * @param text a human-readable explanation for the sender, or null
     * @since 2.0
     */
    public static InterceptResult refuse(StanzaErrorCondition condition, String text) {
        return new InterceptResult(null, Objects.requireNonNull(condition, "condition"), text);
    }

    /** True when routing stops here, taken or refused. */
    public boolean isConsumed() {
        return stanza == null;
    }

    /** True when the stanza was refused with an error. @since 2.0 */
    public boolean isRefused() {
        return refusal != null;
    }

    /** The refusal's condition, or null. @since 2.0 */
    public StanzaErrorCondition refusal() {
        return refusal;
    }

    /** The refusal's text, or null. @since 2.0 */
    public String refusalText() {
        return text;
    }

    /** The stanza to continue routing with. */
    public Stanza stanza() {
        if (stanza == null) {
            throw new IllegalStateException(refusal != null ? "refused" : "consumed");
        }
        return stanza;
    }
}
