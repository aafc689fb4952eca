package org.parley.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;

/**
 * A fan-out's copies (one element, copied per recipient with another {@code to}) are serialized
 * once and spliced: the bytes must be exactly what serializing each copy gives.
 */
class SplicedCopiesTest {
    private static final String MUC_USER = "http://jabber.org/protocol/muc#user";

    @BeforeEach
    void emptyTable() {
        SplicedCopies.clear();
    }

    /** A groupchat message as the room makes it: without {@code to}, with children in other namespaces. */
    private static Element roomMessage() {
        return Element.builder("message", Namespaces.CLIENT).attribute("from", "room@conference.example.org/nick")
                .attribute("type", "groupchat").attribute("id", "m'1&<2>")
                .child(Element.builder("body", Namespaces.CLIENT).text("hello <all> & 'you' \r\u00e9\ud83d\ude00").build())
                .child(Element.builder("stanza-id", "urn:xmpp:sid:0").attribute("id", "s\"1").attribute("by", "room@conference.example.org").build())
                .child(Element.builder("x", MUC_USER).attribute("{urn:example:q}flag", "q'v")
                        .child(Element.builder("item", MUC_USER).attribute("xml:lang", "en").build()).build())
                .build();
    }

    private static byte[] serialized(Element element) {
        return XmlSerializer.toXml(element).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes each copy through toBytes and checks it against a plain serialization of that copy. */
    private static void assertEachCopyExact(List<Element> copies) {
        for (Element copy : copies) {
            assertArrayEquals(serialized(copy), XmlSerializer.toBytes(copy), XmlSerializer.toXml(copy));
        }
    }

    @Test
    void copiesAddressedOneByOneAreSplicedAndExactlyWhatSerializingThemGives() throws Exception {
        Element unaddressed = roomMessage();
        List<Element> copies = List.of(
                unaddressed.withAttribute("to", "alice@example.org/a"),
                unaddressed.withAttribute("to", "bob@example.org/b"),
                unaddressed.withAttribute("to", "o'neil&co@example.org/<r\"es>"), // escaped in the splice
                unaddressed.withAttribute("to", "j\u00fcrgen@example.org/\u00e9t\u00e9\ud83d\ude00"), // not ASCII
                unaddressed.withAttribute("to", "tab\there@example.org/r\r\n"));
        XmlSerializer.toBytes(copies.get(0));
        XmlSerializer.toBytes(copies.get(1)); // tells which attribute varies
        for (Element copy : copies.subList(2, copies.size())) {
            assertTrue(SplicedCopies.wouldSplice(copy), XmlSerializer.toXml(copy));
        }
        assertEachCopyExact(copies);
        // and they still parse back to the copies
        Recorder parsed = new Recorder().feed(XmlSerializer.streamHeader("example.org", null, "s1", "1.0", "en")
                + new String(XmlSerializer.toBytes(copies.get(2)), StandardCharsets.UTF_8)
                + new String(XmlSerializer.toBytes(copies.get(3)), StandardCharsets.UTF_8));
        assertEquals(List.of(copies.get(2), copies.get(3)), parsed.elements());
    }

    @Test
    void aToAlreadyPresentIsReplacedInPlaceAndSplicedThere() {
        Element addressed = roomMessage().withAttribute("to", "first@example.org/x");
        List<Element> copies = List.of(addressed.withAttribute("to", "alice@example.org/a"),
                addressed.withAttribute("to", "bob@example.org/b"), addressed.withAttribute("to", "carol@example.org/'c'"));
        XmlSerializer.toBytes(copies.get(0));
        XmlSerializer.toBytes(copies.get(1));
        assertTrue(SplicedCopies.wouldSplice(copies.get(2)));
        assertEachCopyExact(copies);
    }

    @Test
    void aCopyChangedAfterwardsIsNeverWrittenFromTheStaleBytes() {
        Element unaddressed = roomMessage();
        Element a = unaddressed.withAttribute("to", "alice@example.org/a");
        Element b = unaddressed.withAttribute("to", "bob@example.org/b");
        XmlSerializer.toBytes(a);
        XmlSerializer.toBytes(b);
        Element c = unaddressed.withAttribute("to", "carol@example.org/c");
        // what a recipient's interceptor may do to its copy
        List<Element> changed = List.of(
                c.withChild(Element.empty("private", "urn:xmpp:carbons:2")), // a child added: other children list
                c.withAttribute("type", "chat"), // another attribute changed
                c.withAttribute("id", null), // an attribute removed
                c.withAttribute("xml:lang", "de"), // an attribute added
                c.toBuilder().build()); // rebuilt: equal, but another list
        for (Element copy : changed) {
            assertFalse(SplicedCopies.wouldSplice(copy), XmlSerializer.toXml(copy));
            assertArrayEquals(serialized(copy), XmlSerializer.toBytes(copy), XmlSerializer.toXml(copy));
        }
        assertEachCopyExact(List.of(unaddressed.withAttribute("to", "dave@example.org/d")));
    }

    @Test
    void copiesDifferingInTwoAttributesAreSerializedEachTime() {
        Element unaddressed = roomMessage();
        Element a = unaddressed.withAttribute("to", "alice@example.org/a").withAttribute("id", "1");
        Element b = unaddressed.withAttribute("to", "bob@example.org/b").withAttribute("id", "2");
        Element c = unaddressed.withAttribute("to", "carol@example.org/c").withAttribute("id", "3");
        assertEachCopyExact(List.of(a, b, c));
        assertFalse(SplicedCopies.wouldSplice(unaddressed.withAttribute("to", "dave@example.org/d").withAttribute("id", "4")));
    }

    @Test
    void largeCopiesAreSerializedEachTimeAndNotKept() {
        Element unaddressed = Element.builder("message", Namespaces.CLIENT).attribute("type", "groupchat")
                .child(Element.builder("body", Namespaces.CLIENT).text("x".repeat(SplicedCopies.MAX_BYTES)).build()).build();
        List<Element> copies = List.of(unaddressed.withAttribute("to", "a@example.org/a"),
                unaddressed.withAttribute("to", "b@example.org/b"), unaddressed.withAttribute("to", "c@example.org/c"));
        assertEachCopyExact(copies);
        assertFalse(SplicedCopies.wouldSplice(unaddressed.withAttribute("to", "d@example.org/d")));
    }

    @Test
    void elementsWithoutChildrenAreNotRemembered() {
        Element presence = Element.builder("presence", Namespaces.CLIENT).attribute("from", "a@example.org/r").build();
        Element one = presence.withAttribute("to", "b@example.org");
        Element two = presence.withAttribute("to", "c@example.org");
        Element three = presence.withAttribute("to", "d@example.org");
        assertEachCopyExact(List.of(one, two, three));
        assertFalse(SplicedCopies.wouldSplice(three));
    }
}
