package org.parley.offline.internal;

import java.nio.charset.StandardCharsets;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaException;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * The stored form of a message: the XML the server would write on a client stream, read back with
 * the server's own stream parser, so a stored message comes back exactly as routing had it (the
 * serializer's contract: parsing its output gives back an equal element).
 */
final class StanzaCodec {
    private static final byte[] STREAM_OPEN = ("<stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
            + Namespaces.STREAM + "'>").getBytes(StandardCharsets.US_ASCII);

    private StanzaCodec() {
    }

    static String encode(Stanza stanza) {
        return XmlSerializer.toXml(stanza.element());
    }

    /** @throws IllegalArgumentException when the text is not one stanza (a damaged row) */
    static Stanza decode(String xml) {
        Element[] parsed = new Element[1];
        XmppStreamParser parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, new XmppStreamParser.Listener() {
            @Override
            public void streamOpened(StreamHeader header) {
            }

            @Override
            public void element(Element element) {
                if (parsed[0] != null) {
                    throw new IllegalArgumentException("more than one element in a stored message");
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
            throw new IllegalArgumentException("a stored message is not well-formed: " + e.getMessage(), e);
        }
        if (parsed[0] == null) {
            throw new IllegalArgumentException("a stored message is incomplete");
        }
        try {
            return Stanza.of(parsed[0]);
        } catch (StanzaException e) {
            throw new IllegalArgumentException("a stored message is not a stanza: " + e.getMessage(), e);
        }
    }
}
