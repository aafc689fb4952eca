package org.parley.xml;

import java.util.Objects;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * The received XML stream broke a rule; the stream must be closed with a {@code <stream:error/>}
 * carrying {@link #condition()} (RFC 6120 section 4.9). The message is for logs, not for the peer.
 */
public class XmlStreamException extends Exception {
    private static final long serialVersionUID = 1L;
    private final StreamErrorCondition condition;

    public XmlStreamException(StreamErrorCondition condition, String message) {
        super(message);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    public XmlStreamException(StreamErrorCondition condition, String message, Throwable cause) {
        super(message, cause);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    /** The stream error condition to close the stream with. */
    public StreamErrorCondition condition() {
        return condition;
    }
}
