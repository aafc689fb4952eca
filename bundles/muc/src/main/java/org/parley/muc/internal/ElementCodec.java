package org.parley.muc.internal;

import java.nio.charset.StandardCharsets;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * The stored form of a history message or subject: the XML the server writes, read back with the
 * server's own stream parser (parsing the serializer's output gives back an equal element).
 */
final class ElementCodec {
    private static final byte[] STREAM_OPEN = ("<stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
            + Namespaces.STREAM + "'>").getBytes(StandardCharsets.US_ASCII);

    private ElementCodec() {
    }

    static String encode(Element element) {
        return XmlSerializer.toXml(element);
    }

    /** @throws IllegalArgumentException when the text is not one element (a damaged row) */
    static Element decode(String xml) {
        Element[] parsed = new Element[1];
        XmppStreamParser parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, new XmppStreamParser.Listener() {
            @Override
            public void streamOpened(StreamHeader header) {
            }

            @Override
            public void element(Element element) {
                if (parsed[0] != null) {
                    throw new IllegalArgumentException("more than one element in a stored row");
                }
                parsed[0] = element;
            }

            @Override
            public void streamClosed() {
            }
        });
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        try {
            parser.feed(STREAM_OPEN, 0, STREAM_OPEN.length);
            parser.feed(bytes, 0, bytes.length);
        } catch (XmlStreamException e) {
            throw new IllegalArgumentException("a stored element is not well-formed: " + e.getMessage(), e);
        }
        if (parsed[0] == null) {
            throw new IllegalArgumentException("a stored element is incomplete");
        }
        return parsed[0];
    }
}
