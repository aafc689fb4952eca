package org.parley.api.stanza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ElementTest {
    private final Element message = Element.builder("message", Namespaces.CLIENT)
            .attribute("to", "bob@example.org").attribute("id", "m1").attribute("type", "chat")
            .child(Element.builder("body", Namespaces.CLIENT).text("hi").build())
            .build();

    @Test
    void withAttributeAddsANewAttributeLast() {
        Element stamped = message.withAttribute("from", "alice@example.org/a");
        assertEquals("alice@example.org/a", stamped.attribute("from"));
        assertEquals("from", stamped.attributeName(3));
        assertEquals(4, stamped.attributeCount());
        assertNull(message.attribute("from"), "the original is unchanged");
    }

    @Test
    void withAttributeReplacesInPlace() {
        Element changed = message.withAttribute("id", "m2");
        assertEquals("m2", changed.attribute("id"));
        assertEquals("id", changed.attributeName(1), "order kept");
        assertEquals("m1", message.attribute("id"));
    }

    @Test
    void withAttributeNullRemovesIt() {
        Element removed = message.withAttribute("id", null);
        assertNull(removed.attribute("id"));
        assertEquals(2, removed.attributeCount());
        assertEquals("type", removed.attributeName(1));
        assertSame(message, message.withAttribute("absent", null), "removing what is not there changes nothing");
    }

    @Test
    void withAttributeSharesTheChildrenAndEqualsTheBuilderResult() {
        Element stamped = message.withAttribute("from", "alice@example.org/a");
        assertSame(message.children(), stamped.children(), "no copy of the children per routed stanza");
        assertEquals(message.toBuilder().attribute("from", "alice@example.org/a").build(), stamped);
        assertEquals(message.toBuilder().attribute("id", null).build(), message.withAttribute("id", null));
    }
}
