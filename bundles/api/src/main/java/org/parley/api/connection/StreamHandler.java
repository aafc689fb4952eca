package org.parley.api.connection;

import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * Receives the events of one client connection. The transport calls these methods one at a
 * time, in order, never concurrently for one connection; they must not block.
 */
public interface StreamHandler {
    /** A stream header arrived (the first one, or after STARTTLS or SASL success). */
    void streamOpened(StreamHeader header);

    /**
     * The start tag of a top-level element arrived, before its attributes and content are read:
     * says whether this stream can ever accept an element of that name in its current state.
     * Refusing it here closes the stream with the returned condition at once, instead of reading
     * the element up to its end tag only to refuse it then, or waiting forever for an end tag that
     * never comes. Called like the other methods (one event at a time, must not block), for
     * top-level elements only, before {@link #element} is called with the complete element.
     *
     * <p>The default refuses nothing: {@link #element} judges the complete element.
     *
     * @param namespace the element's namespace URI, empty when it has none
     * @param localName the element's local name
     * @return the stream error to close the stream with (RFC 6120 section 4.9.3.24
     *     {@code unsupported-stanza-type} for an element the server does not support), or null
     *     to read the element
     * @since 1.1
     */
    default StreamErrorCondition refusalOfTopLevelElement(String namespace, String localName) {
        return null;
    }

    /** A complete top-level element arrived. */
    void element(Element element);

    /** The peer closed its stream with {@code </stream:stream>}. */
    void streamClosed();

    /** The connection is gone, for whatever reason; called exactly once, last. */
    void disconnected();
}
