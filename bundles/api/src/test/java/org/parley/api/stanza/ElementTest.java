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

    @Test
    void withChildAppendsAndSharesTheRest() {
        Element x = Element.empty("x", "vcard-temp:x:update");
        Element more = message.withChild(x);
        assertEquals(2, more.children().size());
        assertSame(message.children().get(0), more.children().get(0), "existing children are shared, not copied");
        assertSame(x, more.children().get(1));
        assertEquals(message.attributeCount(), more.attributeCount());
        assertEquals("m1", more.attribute("id"));
        assertEquals(1, message.children().size(), "the original is unchanged");
        assertEquals(Element.builder("message", Namespaces.CLIENT)
                .attribute("to", "bob@example.org").attribute("id", "m1").attribute("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).child(x).build(), more,
                "the same element the builder makes");
    }

    @Test
    void stanzaWithChildKeepsItsParsedAddresses() {
        Stanza presence = Stanza.create(Element.builder("presence", Namespaces.CLIENT).build())
                .withFrom(org.jxmpp.jid.impl.JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/a"))
                .withTo(org.jxmpp.jid.impl.JidCreate.entityBareFromOrThrowUnchecked("bob@example.org"));
        Stanza more = presence.withChild(Element.empty("x", "vcard-temp:x:update"));
        assertSame(presence.from(), more.from());
        assertSame(presence.to(), more.to());
        assertEquals(Stanza.Kind.PRESENCE, more.kind());
        assertEquals("x", more.element().firstElement().name());
        assertEquals("alice@example.org/a", more.element().attribute("from"));
    }
}
