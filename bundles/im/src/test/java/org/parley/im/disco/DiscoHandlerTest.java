package org.parley.im.disco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.im.TestServer;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class DiscoHandlerTest {
    private static final ServerInfo SERVER = TestServer.INSTANCE;

    private static Stanza query(String to, String ns) {
        return Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "d1")
                .attribute("from", "alice@example.org/a").attribute("to", to).child(Element.empty("query", ns)).build());
    }

    private static List<String> features(Stanza reply) {
        return reply.payload().elements().stream().filter(e -> e.name().equals("feature")).map(e -> e.attribute("var")).toList();
    }

    @Test
    void serverFeaturesAreDiscoItselfAndTheHandlersThatAreRegistered() throws Exception {
        DiscoHandler disco = new DiscoHandler(SERVER);
        IqHandler ping = (iq, origin) -> null;
        disco.addHandler(ping, Map.of(IqHandler.NAMESPACE, "urn:xmpp:ping"));
        Stanza reply = disco.handle(query("example.org", DiscoHandler.INFO), null).toCompletableFuture().get();
        Element identity = reply.payload().child("identity", DiscoHandler.INFO);
        assertEquals("server", identity.attribute("category"));
        assertEquals("im", identity.attribute("type"));
        assertEquals(List.of(DiscoHandler.INFO, DiscoHandler.ITEMS, "urn:xmpp:ping"), features(reply));

        disco.removeHandler(ping);
        reply = disco.handle(query("example.org", DiscoHandler.INFO), null).toCompletableFuture().get();
        assertEquals(List.of(DiscoHandler.INFO, DiscoHandler.ITEMS), features(reply), "a departed handler's feature is no longer announced");
    }

    @Test
    void handlersForAccountsOnlyAreNotServerFeatures() throws Exception {
        DiscoHandler disco = new DiscoHandler(SERVER);
        disco.addHandler((iq, origin) -> null, Map.of(IqHandler.NAMESPACE, "jabber:iq:last", IqHandler.TO, IqHandler.TO_ACCOUNT));
        disco.addHandler((iq, origin) -> null, Map.of(IqHandler.NAMESPACE, "urn:xmpp:time", IqHandler.TO, IqHandler.TO_SERVER));
        Stanza reply = disco.handle(query("example.org", DiscoHandler.INFO), null).toCompletableFuture().get();
        assertEquals(List.of(DiscoHandler.INFO, DiscoHandler.ITEMS, "urn:xmpp:time"), features(reply));
    }

    /** XEP-0115 section 5.2's own example. */
    @Test
    void theVerificationStringIsXep0115s() {
        Element info = Element.builder("query", DiscoHandler.INFO)
                .child(Element.builder("identity", DiscoHandler.INFO).attribute("category", "client").attribute("type", "pc")
                        .attribute("name", "Exodus 0.9.1").build())
                .child(Element.builder("feature", DiscoHandler.INFO).attribute("var", "http://jabber.org/protocol/caps").build())
                .child(Element.builder("feature", DiscoHandler.INFO).attribute("var", "http://jabber.org/protocol/disco#info").build())
                .child(Element.builder("feature", DiscoHandler.INFO).attribute("var", "http://jabber.org/protocol/disco#items").build())
                .child(Element.builder("feature", DiscoHandler.INFO).attribute("var", "http://jabber.org/protocol/muc").build())
                .build();
        assertEquals("QgayPKawpkPSDYmwT/WM94uAlu0=", DiscoHandler.verification(info));
    }

    @Test
    void theCapabilitiesFollowTheFeatures_andTheirNodeAnswersDiscoInfo() throws Exception {
        DiscoHandler disco = new DiscoHandler(SERVER);
        String before = disco.advertise(null).attribute("ver");
        IqHandler ping = (iq, origin) -> null;
        disco.addHandler(ping, Map.of(IqHandler.NAMESPACE, "urn:xmpp:ping"));
        Element c = disco.advertise(null);
        assertEquals(DiscoHandler.CAPS, c.namespace());
        assertEquals("sha-1", c.attribute("hash"));
        String ver = c.attribute("ver");
        assertTrue(!ver.equals(before), "a new feature, a new verification string");

        String node = DiscoHandler.CAPS_NODE + "#" + ver;
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "c1")
                .attribute("from", "alice@example.org/a").attribute("to", "example.org")
                .child(Element.builder("query", DiscoHandler.INFO).attribute("node", node).build()).build());
        Stanza reply = disco.handle(iq, null).toCompletableFuture().get();
        assertEquals(node, reply.payload().attribute("node"));
        assertEquals(ver, DiscoHandler.verification(reply.payload()), "what the node answers hashes to the string offered");
        assertTrue(features(reply).contains("urn:xmpp:ping"));

        disco.removeHandler(ping);
        assertEquals(before, disco.advertise(null).attribute("ver"));
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, disco.handle(iq, null).toCompletableFuture().get().errorCondition(),
                "an outdated verification string is no node any more");
    }

    /** The component must not bind its own registration: that is the cycle the framework reported at every start. */
    @Test
    void theHandlerReferenceLeavesThisComponentOut() throws Exception {
        String descriptor = new String(DiscoHandler.class.getClassLoader()
                .getResourceAsStream("OSGI-INF/" + DiscoHandler.class.getName() + ".xml").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(descriptor.contains("target=\"" + DiscoHandler.NOT_THIS_COMPONENT + "\""), descriptor);
        assertTrue(descriptor.contains("name=\"" + DiscoHandler.class.getName() + "\""), "the component name the filter names: " + descriptor);
    }

    @Test
    void accountInfoIsARegisteredAccount() throws Exception {
        Stanza reply = new DiscoHandler(SERVER).handle(query("bob@example.org", DiscoHandler.INFO), null).toCompletableFuture().get();
        assertEquals("account", reply.payload().child("identity", DiscoHandler.INFO).attribute("category"));
    }

    @Test
    void unknownNodeIsItemNotFound() throws Exception {
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "d2")
                .attribute("from", "alice@example.org/a").attribute("to", "example.org")
                .child(Element.builder("query", DiscoHandler.INFO).attribute("node", "x").build()).build());
        Stanza reply = new DiscoHandler(SERVER).handle(iq, null).toCompletableFuture().get();
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, reply.errorCondition());
    }

    @Test
    void theServersItemsAreTheComponentsRegisteredNow() throws Exception {
        DiscoHandler disco = new DiscoHandler(SERVER);
        Stanza reply = disco.handle(query("example.org", DiscoHandler.ITEMS), null).toCompletableFuture().get();
        assertEquals("result", reply.type());
        assertTrue(reply.payload().elements().isEmpty());
        Map<String, Object> muc = Map.of("service.id", 41L, org.parley.api.routing.Component.DOMAIN, "conference.example.org");
        disco.addComponent(muc);
        disco.addComponent(Map.of("service.id", 42L, org.parley.api.routing.Component.DOMAIN, "echo.example.org"));
        reply = disco.handle(query("example.org", DiscoHandler.ITEMS), null).toCompletableFuture().get();
        assertEquals(List.of("conference.example.org", "echo.example.org"),
                reply.payload().elements().stream().map(e -> e.attribute("jid")).toList());
        disco.removeComponent(muc);
        reply = disco.handle(query("example.org", DiscoHandler.ITEMS), null).toCompletableFuture().get();
        assertEquals(List.of("echo.example.org"), reply.payload().elements().stream().map(e -> e.attribute("jid")).toList(),
                "a departed component is no longer listed");
        reply = disco.handle(query("bob@example.org", DiscoHandler.ITEMS), null).toCompletableFuture().get();
        assertTrue(reply.payload().elements().isEmpty(), "an account lists no components");
    }
}
