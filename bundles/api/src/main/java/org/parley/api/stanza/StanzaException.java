package org.parley.api.stanza;

/** A stanza could not be processed; carries the RFC 6120 condition to answer with. */
public class StanzaException extends Exception {
    private static final long serialVersionUID = 1L;
    private final StanzaErrorCondition condition;

    public StanzaException(StanzaErrorCondition condition, String message) {
        super(message);
        this.condition = condition;
    }

    public StanzaErrorCondition condition() {
        return condition;
    }
}
