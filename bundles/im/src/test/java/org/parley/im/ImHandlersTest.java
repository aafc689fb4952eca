package org.parley.im;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.parley.api.routing.ServerInfo;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.im.ping.PingHandler;
import org.parley.im.version.VersionHandlerAccess;

class ImHandlersTest {
    private static final ServerInfo SERVER = TestServer.INSTANCE;

    private static Stanza iq(String type, String to, Element payload) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", "q1")
                .attribute("from", "alice@example.org/phone");
        if (to != null) {
            b.attribute("to", to);
        }
        return Stanza.create(b.child(payload).build());
    }

    @Test
    void pingToServerGetsEmptyResult() throws Exception {
        Stanza reply = new PingHandler().handle(iq("get", "example.org", Element.empty("ping", PingHandler.NAMESPACE)), null)
                .toCompletableFuture().get();
        assertEquals("result", reply.type());
        assertEquals("q1", reply.id());
        assertEquals("alice@example.org/phone", reply.to().toString());
        assertEquals("example.org", reply.from().toString());
        assertNull(reply.payload());
    }

    @Test
    void pingSetIsBadRequest() throws Exception {
        Stanza reply = new PingHandler().handle(iq("set", "example.org", Element.empty("ping", PingHandler.NAMESPACE)), null)
                .toCompletableFuture().get();
        assertEquals(StanzaErrorCondition.BAD_REQUEST, reply.errorCondition());
    }

    @Test
    void versionQueryToServerNamesProductAndBundleVersion() throws Exception {
        Stanza reply = VersionHandlerAccess.create(SERVER, "7.8.9")
                .handle(iq("get", "example.org", Element.empty("query", "jabber:iq:version")), null).toCompletableFuture().get();
        assertEquals("result", reply.type());
        Element query = reply.payload();
        assertEquals("Parley", query.childText("name"));
        assertEquals("7.8.9", query.childText("version"));
        assertNull(query.child("os", "jabber:iq:version"), "the OS is not disclosed");
    }

    @Test
    void versionQueryToAUsersBareJidIsServiceUnavailable() throws Exception {
        Stanza reply = VersionHandlerAccess.create(SERVER, "7.8.9")
                .handle(iq("get", "bob@example.org", Element.empty("query", "jabber:iq:version")), null).toCompletableFuture().get();
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, reply.errorCondition());
    }

    @Test
    void timeToServerIsItsUtcTimeAndOffset() throws Exception {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-11-29T16:00:00.123456Z"),
                java.time.ZoneId.of("Europe/Paris"));
        Stanza reply = org.parley.im.time.TimeHandlerAccess.create(SERVER, clock)
                .handle(iq("get", null, Element.empty("time", "urn:xmpp:time")), null).toCompletableFuture().get();
        assertEquals("2026-11-29T16:00:00.123Z", reply.payload().childText("utc"));
        assertEquals("+01:00", reply.payload().childText("tzo"));
    }

    @Test
    void lastActivityOfTheServerIsItsUptime() throws Exception {
        Stanza reply = org.parley.im.last.UptimeHandlerAccess.create(SERVER, () -> 1_000, () -> 91_999)
                .handle(iq("get", "example.org", Element.empty("query", "jabber:iq:last")), null).toCompletableFuture().get();
        assertEquals("90", reply.payload().attribute("seconds"));
        Stanza user = org.parley.im.last.UptimeHandlerAccess.create(SERVER, () -> 0, () -> 0)
                .handle(iq("get", "bob@example.org", Element.empty("query", "jabber:iq:last")), null).toCompletableFuture().get();
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, user.errorCondition());
    }
}
