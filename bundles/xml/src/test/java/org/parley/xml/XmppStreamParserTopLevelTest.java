package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;

/** Top-level start tags: a nested stream header is refused there, and a listener may refuse any other. */
class XmppStreamParserTopLevelTest {
    private static final String NESTED_HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " to='example.org' version='1.0'>";
    private static final String PING = "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>";

    /** Records the start tags it is told of and refuses those in one namespace. */
    private static final class Refusing extends Recorder {
        final List<String> started = new ArrayList<>();
        final String refusedNamespace;

        Refusing(String refusedNamespace) {
            this.refusedNamespace = refusedNamespace;
        }

        @Override
        public void topLevelElementStarted(String namespace, String localName) throws XmlStreamException {
            started.add("{" + namespace + "}" + localName);
            if (namespace.equals(refusedNamespace)) {
                throw new XmlStreamException(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, localName + " refused");
            }
        }
    }

    @Test
    void nestedStreamHeaderIsRefusedAtItsStartTagAndNothingAfterItIsRead() throws Exception {
        byte[] open = Recorder.utf8(Recorder.HEADER + "<presence/>");
        byte[] rest = Recorder.utf8(NESTED_HEADER + PING);
        for (int size : new int[] {rest.length, 1, 7}) {
            Recorder r = new Recorder().feed(open);
            XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feedInPieces(rest, size));
            assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.condition(), "pieces of " + size);
            assertEquals(1, r.elements().size(), "the presence only; the ping after the header is never reported");
            assertSame(e, assertThrows(XmlStreamException.class, () -> r.feed(PING)), "the parser is dead");
        }
    }

    /** The header alone, its end never sent: refused when its start tag ends, not left waiting. */
    @Test
    void nestedStreamHeaderIsRefusedWithoutWaitingForMore() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER);
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed(NESTED_HEADER));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.condition());
    }

    @Test
    void nestedStreamHeaderAfterAStreamRestartIsRefused() throws Exception {
        Recorder r = new Recorder().feed(Recorder.HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        r.parser.reset();
        r.feed(Recorder.HEADER);
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed(NESTED_HEADER));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.condition());
        assertEquals(2, r.headers().size());
    }

    /** Other elements in the stream namespace are the listener's to judge (a client may send a stream error). */
    @Test
    void otherStreamNamespaceElementsReachTheListener() throws Exception {
        Refusing r = new Refusing("urn:example:none");
        r.feed(Recorder.HEADER + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertEquals(List.of("{" + Namespaces.STREAM + "}error"), r.started);
        assertEquals(1, r.elements().size());
    }

    @Test
    void listenerIsToldOfEachTopLevelStartTagOnceAndNotOfChildren() throws Exception {
        Refusing r = new Refusing("urn:example:none");
        r.feedInPieces(Recorder.utf8(Recorder.HEADER + "<message><body>hi</body><x xmlns='urn:x'><y/></x></message> "
                + PING + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>"), 3);
        assertEquals(List.of("{jabber:client}message", "{jabber:client}iq", "{urn:ietf:params:xml:ns:xmpp-sasl}auth"), r.started);
        assertEquals(3, r.elements().size());
    }

    /** A refused element is refused at its start tag: the megabyte that would follow is never read. */
    @Test
    void listenerRefusesAnElementAtItsStartTagBeforeItsContent() throws Exception {
        Refusing r = new Refusing("urn:example:unwanted");
        r.feed(Recorder.HEADER + PING);
        XmlStreamException e = assertThrows(XmlStreamException.class, () -> r.feed("<blob xmlns='urn:example:unwanted'>"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.condition());
        assertEquals("blob refused", e.getMessage());
        assertEquals(1, r.elements().size());
        assertTrue(r.started.contains("{urn:example:unwanted}blob"));
    }

    @Test
    void listenerRefusalWorksWhateverTheSplit() throws Exception {
        byte[] bytes = Recorder.utf8(Recorder.HEADER + PING + "<blob xmlns='urn:example:unwanted' a='1'>text");
        for (int split = 0; split <= bytes.length; split++) {
            Refusing r = new Refusing("urn:example:unwanted");
            int at = split;
            XmlStreamException e = assertThrows(XmlStreamException.class, () -> {
                r.feed(bytes, 0, at);
                r.feed(bytes, at, bytes.length);
            });
            assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, e.condition(), "split at " + split);
            assertEquals(1, r.elements().size(), "split at " + split);
        }
    }
}
