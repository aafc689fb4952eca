package org.parley.roster.internal;

import org.parley.api.stanza.StanzaErrorCondition;

/** A request the roster refuses before it changes anything: the sender gets this error. */
final class RosterRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient StanzaErrorCondition condition;

    RosterRefusal(StanzaErrorCondition condition, String text) {
        super(text, null, false, false);
        this.condition = condition;
    }

    StanzaErrorCondition condition() {
        return condition;
    }
}
