package org.parley.examples.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;

class BotTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T18:30:00.123Z"), ZoneId.of("Europe/Berlin"));

    private static Stanza chat(String from, String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", "bot.example.org")
                .attribute("type", "chat").attribute("id", "m-" + body).textChild("body", body).build());
    }

    private static String say(Conversations c, String body) {
        return c.answer(chat("alice@example.org/phone", body)).element().childText("body");
    }

    @Test
    void helpTimeAndUnknownCommandsAreAnsweredToTheSender() {
        Conversations c = new Conversations(CLOCK, user -> List.of());
        Stanza answer = c.answer(chat("alice@example.org/phone", "Help"));
        assertEquals("alice@example.org/phone", answer.to().toString());
        assertEquals("bot.example.org", answer.from().toString());
        assertEquals("m-Help", answer.id());
        assertEquals(Conversations.HELP, answer.element().childText("body"));
        assertEquals("The server's time is 2026-11-29T19:30:00.123+01:00.", say(c, "time"));
        assertEquals("I don't know 'weather'. Write help for what I can do.", say(c, "weather"));
    }

    @Test
    void theTimeAlwaysCarriesItsMilliseconds() {
        Conversations onTheSecond = new Conversations(Clock.fixed(Instant.parse("2026-11-29T18:30:00Z"), ZoneId.of("UTC")), user -> List.of());
        assertEquals("The server's time is 2026-11-29T18:30:00.000Z.", say(onTheSecond, "time"));
    }

    @Test
    void resourcesListsTheUsersOwnSessions() {
        List<Object> asked = new ArrayList<>();
        Conversations c = new Conversations(CLOCK, user -> {
            asked.add(user.toString());
            return List.of(session("alice@example.org/phone", true, 5), session("alice@example.org/laptop", false, 0));
        });
        assertEquals("You are connected from 2 resources: laptop (not available), phone (available, priority 5).", say(c, "resources"));
        assertEquals(List.of("alice@example.org"), asked);
        assertEquals("I cannot see sessions right now; ask again in a moment.", say(new Conversations(CLOCK, user -> null), "resources"));
    }

    @Test
    void countsCrossToTheSuccessorThroughTheSnapshot() {
        Conversations before = new Conversations(CLOCK, user -> List.of());
        say(before, "time");
        say(before, "help");
        Conversations after = new Conversations(CLOCK, user -> List.of());
        assertEquals(1, after.restore(before.snapshot()));
        assertEquals("You have sent me 3 messages.", say(after, "count"));
        assertEquals(0, after.restore(Map.of("format", 99, "something", "else")), "an unknown format is skipped, not fatal");
    }

    @Test
    void errorsGroupchatAndMessagesFromServersAreNotAnswered() {
        Conversations c = new Conversations(CLOCK, user -> List.of());
        assertNull(c.answer(chat("alice@example.org/phone", "x").errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null)));
        assertNull(c.answer(chat("example.org", "x")));
        assertNull(c.answer(Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "room@conference.example.org/a")
                .attribute("to", "bot.example.org").attribute("type", "groupchat").textChild("body", "hi").build())));
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "alice@example.org/phone")
                .attribute("to", "bot.example.org").attribute("type", "get").attribute("id", "v")
                .child(Element.empty("query", "jabber:iq:version")).build());
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, c.answer(iq).errorCondition());
    }

    @Test
    void theAnnouncerEntersPostsOnEachTickAndLeaves() throws Exception {
        List<Stanza> sent = new ArrayList<>();
        EntityFullJid self = JidCreate.entityFullFrom("announcer@bot.example.org/bot");
        RoomAnnouncer a = new RoomAnnouncer(self, sent::add);
        a.configure(JidCreate.entityBareFrom("lobby@conference.example.org"), "Bot", "Hello room");
        a.tick();
        assertEquals("lobby@conference.example.org/Bot", sent.get(0).to().toString());
        assertEquals(RoomAnnouncer.State.ENTERING, a.state());
        a.receive(selfPresence(null, "110", "201"));
        assertEquals(RoomAnnouncer.State.IN, a.state());
        assertEquals("set", sent.get(1).type(), "a room the bot created is opened as an instant room");
        a.tick();
        assertEquals("groupchat", sent.get(2).type());
        assertEquals("Hello room", sent.get(2).element().childText("body"));
        a.leave();
        assertEquals("unavailable", sent.get(3).type());
        assertEquals(RoomAnnouncer.State.OUT, a.state());
    }

    @Test
    void aRoomThatRefusesTheBotIsTriedAgainOnTheNextTick() throws Exception {
        List<Stanza> sent = new ArrayList<>();
        RoomAnnouncer a = new RoomAnnouncer(JidCreate.entityFullFrom("announcer@bot.example.org/bot"), sent::add);
        a.configure(JidCreate.entityBareFrom("lobby@conference.example.org"), "Bot", "Hello room");
        a.tick();
        a.receive(sent.get(0).withFrom(JidCreate.from("lobby@conference.example.org/Bot")).withTo(JidCreate.from("announcer@bot.example.org/bot"))
                .errorReply(StanzaErrorCondition.NOT_ALLOWED, null).withFrom(JidCreate.from("lobby@conference.example.org/Bot")));
        assertEquals(RoomAnnouncer.State.OUT, a.state());
        a.tick();
        assertEquals("presence", sent.get(1).element().name());
        assertEquals(RoomAnnouncer.State.ENTERING, a.state());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("key 'subdomain': 'a.b' is not one DNS label (a-z, 0-9, -)",
                assertThrows(IllegalArgumentException.class, () -> BotSettings.from(config("a.b", "", 60))).getMessage());
        assertEquals("key 'announceRoom': 'not a jid@' is not a room's address (room@conference.example.org)",
                assertThrows(IllegalArgumentException.class, () -> BotSettings.from(config("bot", "not a jid@", 60))).getMessage());
        assertEquals("key 'announceIntervalSeconds': 0 is not between 1 and 604800",
                assertThrows(IllegalArgumentException.class, () -> BotSettings.from(config("bot", "", 0))).getMessage());
        BotSettings ok = BotSettings.from(config("bot", "lobby@conference.example.org", 60));
        assertEquals("lobby@conference.example.org", ok.announceRoom().toString());
        assertNull(BotSettings.from(config("bot", " ", 60)).announceRoom());
    }

    private static Stanza selfPresence(String type, String... codes) {
        Element.Builder x = Element.builder("x", RoomAnnouncer.MUC_USER);
        for (String code : codes) {
            x.child(Element.builder("status", RoomAnnouncer.MUC_USER).attribute("code", code).build());
        }
        Element.Builder p = Element.builder("presence", Namespaces.CLIENT).attribute("from", "lobby@conference.example.org/Bot")
                .attribute("to", "announcer@bot.example.org/bot").child(x.build());
        if (type != null) {
            p.attribute("type", type);
        }
        return Stanza.create(p.build());
    }

    private static BotConfig config(String subdomain, String room, int interval) {
        return new BotConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return BotConfig.class;
            }

            @Override
            public String subdomain() {
                return subdomain;
            }

            @Override
            public String announceRoom() {
                return room;
            }

            @Override
            public String announcement() {
                return "Hello";
            }

            @Override
            public int announceIntervalSeconds() {
                return interval;
            }

            @Override
            public String nick() {
                return "Bot";
            }
        };
    }

    private static Session session(String jid, boolean available, int priority) {
        EntityFullJid full = JidCreate.entityFullFromOrThrowUnchecked(jid);
        return new Session() {
            @Override
            public String id() {
                return jid;
            }

            @Override
            public EntityFullJid jid() {
                return full;
            }

            @Override
            public boolean isAvailable() {
                return available;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public Stanza presence() {
                return null;
            }

            @Override
            public Set<Jid> directedPresence() {
                return Set.of();
            }

            @Override
            public boolean isDetached() {
                return false;
            }

            @Override
            public Instant boundAt() {
                return Instant.EPOCH;
            }

            @Override
            public void deliver(Stanza stanza) {
                throw new UnsupportedOperationException("the bot never delivers to a session");
            }

            @Override
            public void close(StreamErrorCondition condition, String text) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return null;
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String authMechanism() {
                return "PLAIN";
            }
        };
    }
}
