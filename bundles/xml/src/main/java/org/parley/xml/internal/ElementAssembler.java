package org.parley.xml.internal;

import java.util.Arrays;
import org.parley.api.stanza.Element;

/**
 * Builds one top-level element from parser events: a stack of the open elements' builders and the
 * pending character data. Adjacent text (split by the network, by CDATA sections or by entity
 * references) becomes a single {@link org.parley.api.stanza.Text} child.
 *
 * <p>Kept by a stream parser while its connection is busy and dropped when it compacts, so it
 * avoids retaining large buffers after a big stanza.
 */
public final class ElementAssembler {
    /** Text runs longer than this do not keep their buffer for the next stanza. */
    private static final int RETAINED_TEXT_CAPACITY = 1024;

    private Element.Builder[] open = new Element.Builder[8];
    private int depth;
    /** The current text run when it arrived in one piece (the usual case); no extra copy then. */
    private String firstChunk;
    /** The current text run once it has a second piece; empty between runs. */
    private StringBuilder chunks;

    /** The number of open elements: 0 between top-level elements, 1 inside a top-level element's own content. */
    public int depth() {
        return depth;
    }

    /** Opens a child of the current element (or a new top-level element at depth 0). */
    public void start(Element.Builder element) {
        flushText();
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = element;
    }

    /** Adds character data to the current element; the usual single piece is kept as it is. */
    public void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (firstChunk == null && (chunks == null || chunks.length() == 0)) {
            firstChunk = text;
            return;
        }
        secondChunk().append(text);
    }

    /** The builder of a text run that has come in more than one piece, holding the pieces so far. */
    private StringBuilder secondChunk() {
        if (chunks == null) {
            chunks = new StringBuilder(64);
        }
        if (firstChunk != null) {
            chunks.append(firstChunk);
            firstChunk = null;
        }
        return chunks;
    }

    /**
     * Closes the current element.
     *
     * @return the finished element; when it is not top-level it has also been added to its parent
     */
    public Element end() {
        flushText();
        Element.Builder builder = open[--depth];
        open[depth] = null;
        Element element = builder.build();
        if (depth > 0) {
            open[depth - 1].child(element);
        }
        return element;
    }

    private void flushText() {
        if (depth == 0) {
            return;
        }
        if (firstChunk != null) {
            open[depth - 1].text(firstChunk);
            firstChunk = null;
        } else if (chunks != null && chunks.length() > 0) {
            open[depth - 1].text(chunks.toString());
            if (chunks.capacity() > RETAINED_TEXT_CAPACITY) {
                chunks = null;
            } else {
                chunks.setLength(0);
            }
        }
    }
}
