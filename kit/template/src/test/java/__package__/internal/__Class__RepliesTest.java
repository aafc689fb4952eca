package @package@.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class @Class@RepliesTest {
    private static Stanza chat(String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "alice@example.org/phone")
                .attribute("to", "@name@.example.org").attribute("type", "chat").attribute("id", "m1").textChild("body", body).build());
    }

    @Test
    void aChatMessageIsAnsweredWithTheGreetingToItsSender() {
        Stanza answer = @Class@Replies.answer(chat("hi"), "Hello");
        assertEquals("alice@example.org/phone", answer.to().toString());
        assertEquals("@name@.example.org", answer.from().toString());
        assertEquals("chat", answer.type());
        assertEquals("m1", answer.id());
        assertEquals("Hello: hi", answer.element().childText("body"));
    }

    @Test
    void errorsAndMessagesWithoutBodyAreNotAnswered() {
        assertNull(@Class@Replies.answer(chat("hi").errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null), "Hello"));
        assertNull(@Class@Replies.answer(Stanza.create(Element.builder("message", Namespaces.CLIENT)
                .attribute("from", "alice@example.org/phone").attribute("to", "@name@.example.org").build()), "Hello"));
    }

    @Test
    void anIqRequestGetsServiceUnavailable() {
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "alice@example.org/phone")
                .attribute("to", "@name@.example.org").attribute("type", "get").attribute("id", "q1")
                .child(Element.empty("query", "jabber:iq:version")).build());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, @Class@Replies.answer(iq, "Hello").errorCondition());
    }

    @Test
    void aBadSubdomainOrAnEmptyGreetingIsRefusedNamingTheKey() {
        assertEquals("key 'subdomain': 'a.b' is not one DNS label (a-z, 0-9, -)",
                assertThrows(IllegalArgumentException.class, () -> @Class@Settings.from(config("a.b", "Hello"))).getMessage());
        assertEquals("key 'greeting': must have 1 to 200 characters",
                assertThrows(IllegalArgumentException.class, () -> @Class@Settings.from(config("@name@", " "))).getMessage());
        assertEquals(new @Class@Settings("@name@", "Hello"), @Class@Settings.from(config("@name@", "Hello")));
    }

    private static @Class@Config config(String subdomain, String greeting) {
        return new @Class@Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return @Class@Config.class;
            }

            @Override
            public String subdomain() {
                return subdomain;
            }

            @Override
            public String greeting() {
                return greeting;
            }
        };
    }
}
