package org.parley.offline.internal;

import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaException;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmppStreamParser;

/**
 * The stored form of a message: the XML the server would write on a client stream, read back with
 * the server's own stream parser, so a stored message comes back exactly as routing had it (the
 * serializer's contract: parsing its output gives back an equal element).
 */
final class StanzaCodec {
    private StanzaCodec() {
    }

    static String encode(Stanza stanza) {
        return XmlSerializer.toXml(stanza.element());
    }

    /** @throws IllegalArgumentException when the text is not one stanza (a damaged row) */
    static Stanza decode(String xml) {
        Element element;
        try {
            element = XmppStreamParser.parseElement(xml, Namespaces.CLIENT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a stored message is " + e.getMessage(), e);
        }
        try {
            return Stanza.of(element);
        } catch (StanzaException e) {
            throw new IllegalArgumentException("a stored message is not a stanza: " + e.getMessage(), e);
        }
    }
}
