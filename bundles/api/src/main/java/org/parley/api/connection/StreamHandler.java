package org.parley.api.connection;

import org.parley.api.stanza.Element;

/**
 * Receives the events of one client connection. The transport calls these methods one at a
 * time, in order, never concurrently for one connection; they must not block.
 */
public interface StreamHandler {
    /** A stream header arrived (the first one, or after STARTTLS or SASL success). */
    void streamOpened(StreamHeader header);

    /** A complete top-level element arrived. */
    void element(Element element);

    /** The peer closed its stream with {@code </stream:stream>}. */
    void streamClosed();

    /** The connection is gone, for whatever reason; called exactly once, last. */
    void disconnected();
}
