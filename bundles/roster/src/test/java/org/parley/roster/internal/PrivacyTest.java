package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.roster.SharedGroupSource;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Privacy lists (XEP-0016) through the iq handler and enforced as routing runs the interceptor and
 * the delivery filter: names, active and default lists, pushes, refusals (nothing stored changes),
 * conflicts, enforcement per stanza kind and per session, presence-out, the block list as the
 * default list's blocks, and active lists across an upgrade.
 */
class PrivacyTest {
    private final World world = new World(Limits.DEFAULTS, "alice", "bob", "carol");
    private TestSession phone;
    private TestSession laptop;
    private TestSession bob;

    @BeforeEach
    void start() {
        world.enforce = true;
        phone = world.bind("alice", "phone");
        laptop = world.bind("alice", "laptop");
        bob = world.bind("bob", "desk");
        world.broadcast(phone, null);
        world.broadcast(laptop, null);
        world.broadcast(bob, null);
    }

    @AfterEach
    void close() {
        world.close();
    }

    private static Element item(String type, String value, String action, int order, String... kinds) {
        Element.Builder b = Element.builder("item", Privacy.NAMESPACE).attribute("type", type).attribute("value", value)
                .attribute("action", action).attribute("order", Integer.toString(order));
        for (String k : kinds) {
            b.child(Element.empty(k, Privacy.NAMESPACE));
        }
        return b.build();
    }

    private static Element query(Element... children) {
        return Element.builder("query", Privacy.NAMESPACE).children(List.of(children)).build();
    }

    private static Element list(String name, Element... items) {
        return Element.builder("list", Privacy.NAMESPACE).attribute("name", name).children(List.of(items)).build();
    }

    private static Element named(String element, String name) {
        return Element.builder(element, Privacy.NAMESPACE).attribute("name", name).build();
    }

    private Stanza set(TestSession s, Element child) {
        return world.iq(s, "set", query(child), null);
    }

    private static void ok(Stanza answer) {
        assertEquals("result", answer.type(), answer.toString());
    }

    private static void refused(StanzaErrorCondition condition, Stanza answer) {
        assertEquals("error", answer.type(), answer.toString());
        assertTrue(answer.element().toString().contains("<" + condition.xmlName()), "expected " + condition.xmlName() + ": " + answer);
    }

    private static List<String> names(Stanza result, String element) {
        return result.payload().elements().stream().filter(e -> e.name().equals(element)).map(e -> e.attribute("name")).toList();
    }

    private static List<Stanza> messagesFrom(TestSession s, String from) {
        return s.received.stream().filter(x -> x.kind() == Stanza.Kind.MESSAGE && x.from().asBareJid().toString().equals(from)
                && !"error".equals(x.type())).toList();
    }

    private static List<Stanza> errors(TestSession s, String kind) {
        return s.received(kind, "error");
    }

    private void subscribeBothWays(TestSession a, TestSession b) {
        world.presence(a, "subscribe", b.bareJid().toString());
        world.presence(b, "subscribed", a.bareJid().toString());
        world.presence(b, "subscribe", a.bareJid().toString());
        world.presence(a, "subscribed", b.bareJid().toString());
        assertEquals(Subscription.BOTH, world.stored(a.jid().getLocalpart().toString()).item(b.bareJid().toString()).subscription());
    }

    @Test
    void namesActiveAndDefaultListsAndOneListAreRetrievedAndEveryResourceGetsThePush() {
        int phoneIqs = phone.received("iq", "set").size();
        ok(set(phone, list("public", item("jid", "tybalt@example.com", "deny", 1), item(null, null, "allow", 2))));
        ok(set(phone, list("private", item("subscription", "both", "allow", 10), item(null, null, "deny", 15))));
        for (TestSession s : List.of(phone, laptop)) {
            List<Stanza> pushes = s.received("iq", "set").stream().filter(x -> x.payload().is("query", Privacy.NAMESPACE)).toList();
            assertEquals(List.of("public", "private"), pushes.stream().map(x -> x.payload().elements().get(0).attribute("name")).toList());
        }
        assertEquals(phoneIqs + 2, phone.received("iq", "set").size());
        ok(set(phone, named("default", "public")));
        ok(set(phone, named("active", "private")));

        Stanza names = world.iq(phone, "get", query(), null);
        assertEquals(List.of("private"), names(names, "active"));
        assertEquals(List.of("public"), names(names, "default"));
        assertEquals(List.of("private", "public"), names(names, "list").stream().sorted().toList());
        assertEquals(List.of(), names(world.iq(laptop, "get", query(), null), "active"), "the active list is the phone's only");

        Stanza one = world.iq(laptop, "get", query(named("list", "public")), null);
        Element got = one.payload().elements().get(0);
        assertEquals("public", got.attribute("name"));
        assertEquals(List.of("1", "2"), got.elements().stream().map(e -> e.attribute("order")).toList());
        assertEquals("tybalt@example.com", got.elements().get(0).attribute("value"));

        ok(set(phone, Element.empty("active", Privacy.NAMESPACE)));
        assertEquals(List.of(), names(world.iq(phone, "get", query(), null), "active"), "declined");
        refused(StanzaErrorCondition.CONFLICT, set(phone, Element.empty("default", Privacy.NAMESPACE)),
                "the default list applies to the laptop, which has no active list");
        ok(set(laptop, named("active", "public")));
        ok(set(phone, Element.empty("default", Privacy.NAMESPACE)));
        assertEquals(List.of(), names(world.iq(phone, "get", query(), null), "default"));
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        ok(set(phone, list("public", item("jid", "tybalt@example.com", "deny", 1))));
        PrivacyLists before = world.service.privacy().store().loadLists("alice");
        refused(StanzaErrorCondition.ITEM_NOT_FOUND, world.iq(phone, "get", query(named("list", "The Empty Set")), null));
        refused(StanzaErrorCondition.BAD_REQUEST, world.iq(phone, "get", query(named("list", "public"), named("list", "x")), null));
        refused(StanzaErrorCondition.BAD_REQUEST, world.iq(phone, "set", query(named("active", "public"), named("default", "public")), null));
        refused(StanzaErrorCondition.BAD_REQUEST, world.iq(phone, "set", query(), null));
        refused(StanzaErrorCondition.ITEM_NOT_FOUND, set(phone, named("active", "The Empty Set")));
        refused(StanzaErrorCondition.ITEM_NOT_FOUND, set(phone, named("default", "The Empty Set")));
        refused(StanzaErrorCondition.ITEM_NOT_FOUND, set(phone, list("The Empty Set")), "removing a list that is not there");
        refused(StanzaErrorCondition.BAD_REQUEST, set(phone, list("public", item("jid", "a@b", "deny", 1), item("jid", "c@d", "deny", 1))));
        refused(StanzaErrorCondition.BAD_REQUEST, set(phone, list("public", item("jid", "a@b", "maybe", 1))));
        refused(StanzaErrorCondition.JID_MALFORMED, set(phone, list("public", item("jid", "ty<balt@example.com", "deny", 1))));
        refused(StanzaErrorCondition.ITEM_NOT_FOUND, set(phone, list("public", item("group", "Enemies", "deny", 1))),
                "a group the roster does not have");
        Stanza others = Stanza.create(Element.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "o1")
                .attribute("to", "bob@example.org").child(query()).build()).withFrom(phone.jid());
        refused(StanzaErrorCondition.FORBIDDEN, world.privacyIqs.handle(others, phone).toCompletableFuture().join());
        assertEquals(before, world.service.privacy().store().loadLists("alice"));
    }

    private static void refused(StanzaErrorCondition condition, Stanza answer, String why) {
        assertEquals("error", answer.type(), why + ": " + answer);
        assertTrue(answer.element().toString().contains("<" + condition.xmlName()), why + ": " + answer);
    }

    @Test
    void limitsOnListsAndItemsAreEnforced() throws Exception {
        world.service.privacy().limits(new Privacy.ListLimits(2, 2));
        ok(set(phone, list("a", item(null, null, "allow", 1))));
        ok(set(phone, list("b", item(null, null, "allow", 1))));
        refused(StanzaErrorCondition.RESOURCE_CONSTRAINT, set(phone, list("c", item(null, null, "allow", 1))));
        ok(set(phone, list("b", item("jid", "x@y", "deny", 1), item(null, null, "allow", 2))), "replacing one is no new list");
        refused(StanzaErrorCondition.NOT_ACCEPTABLE, set(phone, list("a", item("jid", "x@y", "deny", 1), item("jid", "z@y", "deny", 2),
                item(null, null, "allow", 3))));
        assertEquals(2, world.service.privacy().store().loadLists("alice").lists().size());
        assertEquals(1, world.service.privacy().store().loadLists("alice").list("a").items().size());
    }

    private static void ok(Stanza answer, String why) {
        assertEquals("result", answer.type(), why + ": " + answer);
    }

    @Test
    void aListInUseByAnotherResourceCannotBeRemovedNorTheDefaultChangedUnderIt() throws Exception {
        ok(set(phone, list("public", item(null, null, "allow", 1))));
        ok(set(phone, list("private", item(null, null, "deny", 1))));
        ok(set(phone, list("spare", item(null, null, "allow", 1))));
        ok(set(laptop, named("active", "private")));
        refused(StanzaErrorCondition.CONFLICT, set(phone, list("private")), "active on the laptop");
        ok(set(phone, named("default", "public")), "no default before: nothing applied to the laptop");
        ok(set(phone, named("active", "spare")));
        // The laptop has its own active list; the default applies to no other resource of alice.
        ok(set(phone, named("default", "spare")));
        ok(set(laptop, Element.empty("active", Privacy.NAMESPACE)));
        refused(StanzaErrorCondition.CONFLICT, set(phone, named("default", "public")), "the default applies to the laptop now");
        refused(StanzaErrorCondition.CONFLICT, set(phone, Element.empty("default", Privacy.NAMESPACE)), "declining it too");
        refused(StanzaErrorCondition.CONFLICT, set(phone, list("spare")), "removing it too");
        assertEquals("spare", world.service.privacy().store().loadLists("alice").defaultName());
        ok(set(laptop, list("private")), "the laptop removes a list only it used");
        assertNull(world.service.privacy().store().loadLists("alice").list("private"));
    }

    @Test
    void deniedMessagesIqAndPresenceFromAnEntityAreRefusedAsTheXepSays() {
        ok(set(phone, list("default", item("jid", "bob@example.org", "deny", 1, "message"), item("jid", "carol@example.org", "deny", 2))));
        ok(set(phone, named("default", "default")));
        world.message(bob, "alice@example.org", "hello?");
        assertTrue(messagesFrom(phone, "bob@example.org").isEmpty() && messagesFrom(laptop, "bob@example.org").isEmpty());
        assertEquals("service-unavailable", errors(bob, "message").get(0).element().child("error", null) == null ? "service-unavailable"
                : errorCondition(errors(bob, "message").get(0)));
        // Only messages: bob's iq still reaches alice's phone.
        world.routeFrom(bob, Stanza.create(Element.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "v1")
                .attribute("to", "alice@example.org/phone").child(Element.empty("query", "jabber:iq:version")).build()).withFrom(bob.jid()));
        assertEquals(1, phone.received("iq", "get").size());

        TestSession carol = world.bind("carol", "desk");
        world.broadcast(carol, null);
        world.routeFrom(carol, Stanza.create(Element.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "v2")
                .attribute("to", "alice@example.org/phone").child(Element.empty("query", "jabber:iq:version")).build()).withFrom(carol.jid()));
        assertEquals(1, phone.received("iq", "get").size(), "carol is denied everything");
        assertEquals("service-unavailable", errorCondition(errors(carol, "iq").get(0)));
        world.presence(carol, null, "alice@example.org/phone");
        assertTrue(phone.received.stream().noneMatch(x -> x.kind() == Stanza.Kind.PRESENCE && x.from().asBareJid().toString()
                .equals("carol@example.org")), "carol's directed presence is dropped without a word");
        assertTrue(errors(carol, "presence").isEmpty());

        // Alice writes to carol: not routed, and she learns why.
        world.message(phone, "carol@example.org", "hi");
        assertTrue(messagesFrom(carol, "alice@example.org").isEmpty());
        assertEquals("not-acceptable", errorCondition(errors(phone, "message").get(0)));
    }

    private static String errorCondition(Stanza error) {
        Element e = error.element().child("error", "jabber:client");
        return e.elements().get(0).name();
    }

    @Test
    void groupAndSubscriptionItemsFollowTheRoster() {
        TestSession carol = world.bind("carol", "desk");
        world.broadcast(carol, null);
        world.rosterSet(phone, World.item("bob@example.org", "Bob", "Enemies"));
        ok(set(phone, list("l", item("group", "Enemies", "deny", 1, "message"), item("subscription", "none", "deny", 2, "iq"))));
        ok(set(phone, named("default", "l")));
        world.message(bob, "alice@example.org", "from an enemy");
        world.message(carol, "alice@example.org", "from a stranger");
        assertTrue(messagesFrom(phone, "bob@example.org").isEmpty());
        assertEquals(1, messagesFrom(phone, "carol@example.org").size());
        world.routeFrom(carol, Stanza.create(Element.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "v3")
                .attribute("to", "alice@example.org/phone").child(Element.empty("query", "jabber:iq:version")).build()).withFrom(carol.jid()));
        assertEquals("service-unavailable", errorCondition(errors(carol, "iq").get(0)), "carol has no subscription: none");
        // Section 2.2 rule 9: bob leaves the group, and the list sees it at once.
        world.rosterSet(phone, World.item("bob@example.org", "Bob", "Friends"));
        world.message(bob, "alice@example.org", "friends now");
        assertEquals(1, messagesFrom(phone, "bob@example.org").size());
    }

    /** A shared roster group is a roster group, with subscription both, for group and subscription items too. */
    @Test
    void groupAndSubscriptionItemsSeeSharedRosterGroups() {
        TestSession carol = world.bind("carol", "desk");
        world.broadcast(carol, null);
        world.shared.addSource(new ConfiguredSharedGroups(SharedGroupsTest.cfg("Lab 3: alice, bob", "Staff: alice, carol")),
                Map.of(SharedGroupSource.NAME, "config"));
        ok(set(phone, list("l", item("group", "Lab 3", "deny", 1, "message"), item("subscription", "both", "deny", 2, "iq"))));
        ok(set(phone, named("default", "l")));
        world.message(bob, "alice@example.org", "from the lab");
        world.message(carol, "alice@example.org", "from the staff");
        assertTrue(messagesFrom(phone, "bob@example.org").isEmpty(), "bob is in the shared group the list denies");
        assertEquals(1, messagesFrom(phone, "carol@example.org").size());
        world.routeFrom(carol, Stanza.create(Element.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "v4")
                .attribute("to", "alice@example.org/phone").child(Element.empty("query", "jabber:iq:version")).build()).withFrom(carol.jid()));
        assertEquals("service-unavailable", errorCondition(errors(carol, "iq").get(0)), "a shared contact's subscription is both");
    }

    /** The per-session delivery filter (a stanza to the bare JID, each session's own list) sees shared groups too. */
    @Test
    void thePerSessionFilterSeesSharedRosterGroups() {
        world.shared.addSource(new ConfiguredSharedGroups(SharedGroupsTest.cfg("Lab 3: alice, bob")), Map.of(SharedGroupSource.NAME, "config"));
        world.rosterGet(phone, null);
        ok(set(phone, list("lab-quiet", item("group", "Lab 3", "deny", 1, "message"))));
        ok(set(phone, named("active", "lab-quiet")));
        Stanza fromBob = Stanza.create(Element.builder("message", "jabber:client").attribute("type", "chat")
                .attribute("to", "alice@example.org").textChild("body", "hi").build()).withFrom(bob.jid());
        assertNull(world.service.privacy().enforcement().filter(fromBob, phone), "the phone's list denies the shared group");
        assertNotNull(world.service.privacy().enforcement().filter(fromBob, laptop), "the laptop has no list");
    }

    @Test
    void anActiveListAppliesToItsSessionOnlyAndTheDefaultToTheOthers() {
        ok(set(phone, list("quiet", item("jid", "bob@example.org", "deny", 1, "message"))));
        ok(set(phone, list("open", item(null, null, "allow", 1))));
        ok(set(phone, named("default", "quiet")));
        ok(set(phone, named("active", "open")));
        world.message(bob, "alice@example.org", "to the bare JID");
        assertEquals(1, messagesFrom(phone, "bob@example.org").size(), "the phone's active list allows bob");
        assertTrue(messagesFrom(laptop, "bob@example.org").isEmpty(), "the laptop's default list does not (no layering)");
        assertTrue(errors(bob, "message").isEmpty(), "one resource got it: no error");
        world.message(bob, "alice@example.org/laptop", "to the laptop");
        assertTrue(messagesFrom(laptop, "bob@example.org").isEmpty());
        assertEquals("service-unavailable", errorCondition(errors(bob, "message").get(0)));
        world.message(bob, "alice@example.org/phone", "to the phone");
        assertEquals(2, messagesFrom(phone, "bob@example.org").size());
    }

    @Test
    void presenceOutDenialSendsUnavailableAndHidesUpdatesUntilLifted() {
        subscribeBothWays(phone, bob);
        ok(set(phone, list("hide", item("jid", "bob@example.org", "deny", 1, "presence-out"))));
        int unavailableBefore = presence(bob, "alice@example.org/phone", "unavailable").size();
        ok(set(phone, named("active", "hide")));
        assertEquals(unavailableBefore + 1, presence(bob, "alice@example.org/phone", "unavailable").size(), "bob sees the phone go offline");
        assertEquals(0, presence(bob, "alice@example.org/laptop", "unavailable").size(), "the laptop is still visible");
        int seen = presence(bob, "alice@example.org/phone", null).size();
        world.broadcast(phone, "dnd");
        assertEquals(seen, presence(bob, "alice@example.org/phone", null).size(), "updates stay hidden");
        // Presence-in is not presence-out: alice still sees bob.
        int aliceSees = presence(phone, "bob@example.org/desk", null).size();
        world.broadcast(bob, "away");
        assertEquals(aliceSees + 1, presence(phone, "bob@example.org/desk", null).size());
        ok(set(phone, Element.empty("active", Privacy.NAMESPACE)));
        assertEquals(seen + 1, presence(bob, "alice@example.org/phone", null).size(), "declining the list shows bob the phone again");
    }

    @Test
    void presenceInDenialShowsTheContactUnavailableToThatSessionOnly() {
        subscribeBothWays(phone, bob);
        ok(set(phone, list("deaf", item("jid", "bob@example.org", "deny", 1, "presence-in"))));
        int before = presence(phone, "bob@example.org/desk", "unavailable").size();
        ok(set(phone, named("active", "deaf")));
        assertEquals(before + 1, presence(phone, "bob@example.org/desk", "unavailable").size(), "section 2.10: bob shown offline");
        int seen = presence(phone, "bob@example.org/desk", null).size();
        world.broadcast(bob, "away");
        assertEquals(seen, presence(phone, "bob@example.org/desk", null).size(), "bob's updates do not reach the phone");
        assertTrue(presence(bob, "alice@example.org/phone", "unavailable").isEmpty(), "presence-in hides nothing of alice from bob");
        ok(set(phone, Element.empty("active", Privacy.NAMESPACE)));
        List<Stanza> back = presence(phone, "bob@example.org/desk", null);
        assertEquals(seen + 1, back.size(), "bob shown again as he is");
        assertEquals("away", back.get(back.size() - 1).element().childText("show"));
    }

    private static List<Stanza> presence(TestSession s, String from, String type) {
        return s.received.stream().filter(x -> x.kind() == Stanza.Kind.PRESENCE && x.from().toString().equals(from)
                && Objects.equals(type, x.type())).toList();
    }

    @Test
    void aBlockIsAnItemOfTheDefaultListAndAnEditThereIsSeenByTheBlockList() {
        Element blocklist = Element.empty("blocklist", Blocking.NAMESPACE);
        assertTrue(world.iq(laptop, "get", blocklist, null).payload().elements().isEmpty());
        ok(world.iq(phone, "set", Element.builder("block", Blocking.NAMESPACE)
                .child(Element.builder("item", Blocking.NAMESPACE).attribute("jid", "bob@example.org").build()).build(), null));
        Stanza names = world.iq(phone, "get", query(), null);
        assertEquals(List.of("blocked"), names(names, "default"));
        Element shown = world.iq(phone, "get", query(named("list", "blocked")), null).payload().elements().get(0);
        assertEquals(1, shown.elements().size());
        assertEquals("bob@example.org", shown.elements().get(0).attribute("value"));
        assertEquals("deny", shown.elements().get(0).attribute("action"));
        assertTrue(shown.elements().get(0).elements().isEmpty(), "a block denies everything");
        assertTrue(phone.received("iq", "set").stream().anyMatch(x -> x.payload().is("query", Privacy.NAMESPACE)),
                "privacy list clients hear that the default list changed");

        // Edited as a privacy list: bob is replaced by carol; the block list follows, with its pushes.
        int laptopIqs = laptop.received("iq", "set").size();
        ok(set(phone, list("blocked", item("jid", "carol@example.org", "deny", 1))));
        List<Element> blocked = world.iq(laptop, "get", blocklist, null).payload().elements();
        assertEquals(List.of("carol@example.org"), blocked.stream().map(e -> e.attribute("jid")).toList());
        List<String> pushes = laptop.received("iq", "set").subList(laptopIqs, laptop.received("iq", "set").size()).stream().filter(x -> Blocking.NAMESPACE.equals(x.payload().namespace()))
                .map(x -> x.payload().name() + " " + x.payload().elements().get(0).attribute("jid")).toList();
        assertEquals(List.of("block carol@example.org", "unblock bob@example.org"), pushes);
        world.message(bob, "alice@example.org", "unblocked");
        assertEquals(1, messagesFrom(phone, "bob@example.org").size());
        // A partial rule is no block: not in the block list.
        ok(set(phone, list("blocked", item("jid", "carol@example.org", "deny", 1, "message"))));
        assertTrue(world.iq(laptop, "get", blocklist, null).payload().elements().isEmpty());
    }

    @Test
    void anActiveListKeepsApplyingAcrossAnUpgrade() {
        ok(set(phone, list("open", item(null, null, "allow", 1))));
        ok(set(phone, list("quiet", item("subscription", "none", "deny", 1, "message"))));
        ok(set(phone, named("default", "open")));
        ok(set(laptop, named("active", "quiet")));
        world.upgrade();
        world.enforce = true;
        assertEquals(List.of("quiet"), names(world.iq(laptop, "get", query(), null), "active"));
        world.message(bob, "alice@example.org", "after the upgrade");
        assertEquals(1, messagesFrom(phone, "bob@example.org").size());
        assertTrue(messagesFrom(laptop, "bob@example.org").isEmpty(), "the laptop's active list still denies strangers");
        assertNotNull(world.service.privacy().cached(World.user("alice")), "read at the takeover, for the filter");
    }
    /**
     * A request to a local user who blocked the sender is applied as it always was (the sender's
     * side asks; the blocked side keeps nothing and hears nothing), not by the pair step that
     * changes both sides of an unblocked request at once; after the unblock a request arrives.
     */
    @Test
    void aRequestToALocalUserWhoBlockedTheSenderChangesOnlyTheSendersSide() {
        ok(world.iq(bob, "set", Element.builder("block", Blocking.NAMESPACE)
                .child(Element.builder("item", Blocking.NAMESPACE).attribute("jid", "alice@example.org").build()).build(), null));
        world.presence(phone, "subscribe", "bob@example.org");
        RosterItem asked = world.stored("alice").item("bob@example.org");
        assertTrue(asked != null && asked.askOut(), "alice's side asks: " + asked);
        assertEquals(0, world.database.count("SELECT COUNT(*) FROM roster_item WHERE username = 'bob'"), "bob keeps nothing");
        assertTrue(bob.received("presence", "subscribe").isEmpty(), "bob hears nothing");
        assertTrue(phone.received("presence", "error").isEmpty(), "the request is dropped, not answered (XEP-0191 3.5)");

        ok(world.iq(bob, "set", Element.builder("unblock", Blocking.NAMESPACE)
                .child(Element.builder("item", Blocking.NAMESPACE).attribute("jid", "alice@example.org").build()).build(), null));
        world.presence(phone, "subscribe", "bob@example.org");
        assertEquals(1, bob.received("presence", "subscribe").size(), "after the unblock the request arrives");
        assertTrue(world.stored("bob").item("alice@example.org").pendingIn());
    }
}
