package org.parley.xml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;

/** Records the events a parser reports, in order, and feeds it in various ways. */
class Recorder implements XmppStreamParser.Listener {
    static final String CLOSED = "</stream>";
    static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0' xml:lang='en'>";

    /** StreamHeader, Element or CLOSED, in the order reported. */
    final List<Object> events = new ArrayList<>();
    final XmppStreamParser parser;

    Recorder() {
        this(XmppStreamParser.Limits.DEFAULT);
    }

    Recorder(XmppStreamParser.Limits limits) {
        parser = new XmppStreamParser(limits, this);
    }

    @Override
    public void streamOpened(StreamHeader header) {
        events.add(header);
    }

    @Override
    public void element(Element element) {
        events.add(element);
    }

    @Override
    public void streamClosed() {
        events.add(CLOSED);
    }

    List<Element> elements() {
        List<Element> result = new ArrayList<>();
        for (Object event : events) {
            if (event instanceof Element e) {
                result.add(e);
            }
        }
        return result;
    }

    List<StreamHeader> headers() {
        List<StreamHeader> result = new ArrayList<>();
        for (Object event : events) {
            if (event instanceof StreamHeader h) {
                result.add(h);
            }
        }
        return result;
    }

    Recorder feed(String xml) throws XmlStreamException {
        return feed(xml.getBytes(StandardCharsets.UTF_8));
    }

    Recorder feed(byte[] bytes) throws XmlStreamException {
        return feed(bytes, 0, bytes.length);
    }

    /**
     * Feeds bytes[from, to) from a copy placed at an odd offset inside a larger array, as a
     * transport's read buffer would hold it (aalto's offsets depend on the array index).
     */
    Recorder feed(byte[] bytes, int from, int to) throws XmlStreamException {
        int offset = 7 + from % 5;
        byte[] buffer = new byte[offset + (to - from) + 3];
        System.arraycopy(bytes, from, buffer, offset, to - from);
        parser.feed(buffer, offset, to - from);
        return this;
    }

    /** Feeds the bytes in pieces of the given size. */
    Recorder feedInPieces(byte[] bytes, int size) throws XmlStreamException {
        for (int p = 0; p < bytes.length; p += size) {
            feed(bytes, p, Math.min(bytes.length, p + size));
        }
        return this;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
