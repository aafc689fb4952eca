package org.parley.carbons.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** Which messages XEP-0280 copies, and what a copy looks like. */
class CarbonsTest {
    private static Stanza message(String type, String to, Element... children) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attribute("from", "juliet@example.org/balcony")
                .attribute("to", to).attribute("id", "m1");
        if (type != null) {
            b.attribute("type", type);
        }
        for (Element c : children) {
            b.child(c);
        }
        return Stanza.create(b.build());
    }

    private static Element body() {
        return Element.builder("body", Namespaces.CLIENT).text("hi").build();
    }

    @Test
    void chatAndNormalWithABodyAreCopied() {
        assertTrue(Carbons.eligible(message("chat", "romeo@example.org")));
        assertTrue(Carbons.eligible(message(null, "romeo@example.org", body())));
        assertTrue(Carbons.eligible(message("normal", "romeo@example.org", body())));
        assertFalse(Carbons.eligible(message("normal", "romeo@example.org")), "a normal message without a body (a receipt, a marker)");
    }

    @Test
    void groupchatHeadlineErrorPrivateNoCopyAndCarbonsThemselvesAreNot() {
        assertFalse(Carbons.eligible(message("groupchat", "room@conference.example.org", body())));
        assertFalse(Carbons.eligible(message("headline", "romeo@example.org", body())));
        assertFalse(Carbons.eligible(message("error", "romeo@example.org", body())));
        assertFalse(Carbons.eligible(message("chat", "romeo@example.org", Element.empty("private", Carbons.NAMESPACE))));
        assertFalse(Carbons.eligible(message("chat", "romeo@example.org", Element.empty("no-copy", Carbons.HINTS))));
        assertFalse(Carbons.eligible(message("chat", "juliet@example.org", Element.empty("received", Carbons.NAMESPACE))),
                "a carbon sent by someone else is never copied again");
        assertFalse(Carbons.eligible(message("chat", "room@conference.example.org/nurse", Element.empty("x", Carbons.MUC_USER))),
                "a private message in a room");
        assertTrue(Carbons.eligible(message("chat", "romeo@example.org", Element.empty("x", Carbons.MUC_USER))),
                "a mediated invitation to a bare JID is a chat like any other");
    }

    @Test
    void aCopyForwardsTheOriginalFromTheUsersBareJid() {
        Stanza original = message("chat", "romeo@example.org/orchard", body());
        Stanza copy = Carbons.copy("sent", original, JidCreate.entityBareFromOrThrowUnchecked("juliet@example.org"),
                JidCreate.fromOrThrowUnchecked("juliet@example.org/chamber"));
        assertEquals("juliet@example.org", copy.element().attribute("from"));
        assertEquals("juliet@example.org/chamber", copy.element().attribute("to"));
        assertEquals("chat", copy.type());
        Element forwarded = copy.element().child("sent", Carbons.NAMESPACE).child("forwarded", Carbons.FORWARD);
        assertEquals(original.element(), forwarded.child("message", Namespaces.CLIENT));
    }
}
