package org.parley.benchmarks;

import java.nio.charset.StandardCharsets;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * The workload: a typical one-to-one chat message with a body and a few extensions, and a client
 * stream header. Public for the benchmarks that sit in the packages of the code they measure.
 */
public final class ChatMessage {
    static final String STREAM_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='capulet.example' version='1.0' xml:lang='en'>";

    /** About 300 bytes: body, chat state, receipt request, origin id (XEP-0085, XEP-0184, XEP-0359). */
    static final String STANZA = "<message to='romeo@montague.example/orchard' type='chat' id='ktx72v49' xml:lang='en'>"
            + "<body>Art thou not Romeo, and a Montague? &lt;3</body>"
            + "<active xmlns='http://jabber.org/protocol/chatstates'/>"
            + "<request xmlns='urn:xmpp:receipts'/>"
            + "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546014'/>"
            + "</message>";

    /** The same message with a body of multibyte text (Cyrillic, Japanese, an emoji): 123 of its bytes are not ASCII. */
    static final String MULTIBYTE_STANZA = STANZA.replace("Art thou not Romeo, and a Montague? &lt;3",
            "Разве ты не Ромео и не Монтекки? あなたはロミオ、モンタギュー家の人ではないの？ \uD83D\uDC94");

    private ChatMessage() {
    }

    /** The same message addressed to {@code to} (and still without 'from', as a client sends it). */
    public static String addressedTo(String to) {
        return STANZA.replace("romeo@montague.example/orchard", to);
    }

    static byte[] header() {
        return STREAM_HEADER.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] stanza() {
        return STANZA.getBytes(StandardCharsets.UTF_8);
    }

    /** The multibyte variant, for benchmarks in other packages. */
    public static String multibyte() {
        return MULTIBYTE_STANZA;
    }

    static byte[] multibyteStanza() {
        return MULTIBYTE_STANZA.getBytes(StandardCharsets.UTF_8);
    }

    /** The stanza as the parser produces it. */
    static Element element() {
        return element(STANZA);
    }

    /** {@code stanza} (one of the variants above) as the parser produces it. */
    public static Element element(String stanza) {
        Element[] result = new Element[1];
        XmppStreamParser parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, new Sink() {
            @Override
            public void element(Element element) {
                result[0] = element;
            }
        });
        byte[] header = header();
        byte[] bytes = stanza.getBytes(StandardCharsets.UTF_8);
        try {
            parser.feed(header, 0, header.length);
            parser.feed(bytes, 0, bytes.length);
        } catch (XmlStreamException e) {
            throw new IllegalStateException(e);
        }
        if (!XmlSerializer.toXml(result[0]).equals(stanza)) {
            throw new IllegalStateException("the workload does not round-trip: " + XmlSerializer.toXml(result[0]));
        }
        return result[0];
    }

    /** A listener that ignores everything; override what is needed. */
    static class Sink implements XmppStreamParser.Listener {
        @Override
        public void streamOpened(StreamHeader header) {
        }

        @Override
        public void element(Element element) {
        }

        @Override
        public void streamClosed() {
        }
    }
}
