package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Roster get, set and remove (RFC 6121 section 2), versioning (XEP-0237), limits and refusals. */
class RosterServiceTest {
    private static final Limits SMALL = new Limits(3, 20, 10, 2, false);
    private final World world = new World(SMALL, "alice", "bob", "carol", "dave", "erin");

    @AfterEach
    void close() {
        world.close();
    }

    private static List<Element> items(Stanza result) {
        return result.payload() == null ? List.of() : result.payload().elements();
    }

    private static List<Stanza> pushes(TestSession s) {
        return s.received.stream().filter(x -> x.isIq() && "set".equals(x.type())).toList();
    }

    @Test
    void anEmptyRosterIsAResultWithAVersionAndNoItems() {
        TestSession a = world.bind("alice", "phone");
        Stanza result = world.rosterGet(a, null);
        assertEquals("result", result.type());
        assertEquals("0", result.payload().attribute("ver"));
        assertTrue(items(result).isEmpty());
    }

    @Test
    void anAddedItemKeepsItsNameAndGroupsAndIsPushedToEveryResourceThatAskedForTheRoster() {
        TestSession phone = world.bind("alice", "phone");
        TestSession laptop = world.bind("alice", "laptop");
        TestSession silent = world.bind("alice", "silent");
        world.rosterGet(phone, null);
        world.rosterGet(laptop, null);

        Stanza answer = world.rosterSet(phone, World.item("bob@example.org", "Bob", "Friends", "Work"));

        assertEquals("result", answer.type());
        Element stored = world.stored("alice").item("bob@example.org").toElement();
        assertEquals("Bob", stored.attribute("name"));
        assertEquals("none", stored.attribute("subscription"));
        assertEquals(List.of("Friends", "Work"), stored.elements().stream().map(Element::text).toList());
        for (TestSession s : List.of(phone, laptop)) {
            List<Stanza> pushed = pushes(s);
            assertEquals(1, pushed.size(), s.jid() + " gets one push");
            Element query = pushed.get(0).payload();
            assertEquals(Long.toString(world.stored("alice").version()), query.attribute("ver"), "the push carries the new version");
            assertEquals(stored, query.firstElement());
            assertEquals("alice@example.org", pushed.get(0).from().toString(), "a push comes from the user's own account");
        }
        assertTrue(pushes(silent).isEmpty(), "a resource that never asked for the roster gets no push");
        assertEquals(List.of(stored), items(world.rosterGet(silent, null)));
    }

    @Test
    void aCurrentVersionGetsAnEmptyResultAndAnyOtherTheWholeRoster() {
        TestSession a = world.bind("alice", "phone");
        world.rosterSet(a, World.item("bob@example.org", "Bob"));
        world.rosterSet(a, World.item("carol@example.org", "Carol"));
        String current = world.rosterGet(a, null).payload().attribute("ver");

        Stanza same = world.rosterGet(a, current);
        assertEquals("result", same.type());
        assertNull(same.payload(), "XEP-0237 section 4: nothing when the cached roster is current");

        for (String old : new String[] {"", "no-such-version", "99", "-1", "1x"}) {
            Stanza whole = world.rosterGet(a, old);
            assertEquals(current, whole.payload().attribute("ver"));
            assertEquals(2, items(whole).size(), "the whole roster for version '" + old + "'");
        }
    }

    /** XEP-0237 section 5: a client holding an older version gets what changed since, as pushes after an empty result. */
    @Test
    void anOlderVersionGetsTheChangesSinceAsPushesEndingAtTheCurrentVersion() {
        TestSession a = world.bind("alice", "phone");
        world.rosterSet(a, World.item("bob@example.org", "Bob"));
        String v1 = world.rosterGet(a, null).payload().attribute("ver");
        world.rosterSet(a, World.item("carol@example.org", "Carol"));
        world.rosterSet(a, World.item("dave@example.org", "Dave"));
        world.rosterSet(a, World.removal("bob@example.org"));
        String current = Long.toString(world.stored("alice").version());

        TestSession tablet = world.bind("alice", "tablet");
        Stanza answer = world.rosterGet(tablet, v1);
        assertEquals("result", answer.type());
        assertNull(answer.payload(), "an empty result: the changes come as pushes");
        List<Element> pushed = pushes(tablet).stream().map(p -> p.payload().firstElement()).toList();
        assertEquals(List.of("carol@example.org", "dave@example.org", "bob@example.org"), pushed.stream().map(e -> e.attribute("jid")).toList());
        assertEquals("remove", pushed.get(2).attribute("subscription"), "bob was removed since");
        List<Stanza> p = pushes(tablet);
        assertEquals(current, p.get(p.size() - 1).payload().attribute("ver"), "the last push leaves the client at the current version");
        assertTrue(Long.parseLong(p.get(0).payload().attribute("ver")) < Long.parseLong(current));

        // Bob added back: no longer a removal for a client that held v1.
        world.rosterSet(a, World.item("bob@example.org", "Bob again"));
        TestSession laptop = world.bind("alice", "laptop");
        world.rosterGet(laptop, v1);
        assertEquals("Bob again", pushes(laptop).stream().map(x -> x.payload().firstElement())
                .filter(e -> e.attribute("jid").equals("bob@example.org")).findFirst().orElseThrow().attribute("name"));
    }

    @Test
    void anUpdateReplacesNameAndGroupsAndARemovalForgetsTheItem() {
        TestSession a = world.bind("alice", "phone");
        world.rosterGet(a, null);
        world.rosterSet(a, World.item("bob@example.org", "Bob", "Friends"));
        world.rosterSet(a, World.item("bob@example.org", "Robert", "Work"));
        RosterItem updated = world.stored("alice").item("bob@example.org");
        assertEquals("Robert", updated.name());
        assertEquals(List.of("Work"), updated.groups());

        Stanza answer = world.rosterSet(a, World.removal("bob@example.org"));
        assertEquals("result", answer.type());
        assertNull(world.stored("alice").item("bob@example.org"));
        Element last = pushes(a).get(pushes(a).size() - 1).payload().firstElement();
        assertEquals("remove", last.attribute("subscription"));
        assertEquals(3, pushes(a).size());
    }

    /** What clients such as Smack send with every item they add: it asks for no subscription, so it is no error. */
    @Test
    void subscriptionNoneInARosterSetIsTakenAsAbsent() {
        TestSession a = world.bind("alice", "phone");
        Element none = World.item("bob@example.org", "Bob").toBuilder().attribute("subscription", "none").build();
        assertEquals("result", world.rosterSet(a, none).type());
        assertEquals(Subscription.NONE, world.stored("alice").item("bob@example.org").subscription());
    }

    @Test
    void removingAnItemThatIsNotThereIsItemNotFound() {
        TestSession a = world.bind("alice", "phone");
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, world.rosterSet(a, World.removal("bob@example.org")).errorCondition());
        assertEquals(0, world.stored("alice").version());
    }

    /** Every refusal of the issue; each leaves the stored roster as it was and pushes nothing. */
    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        TestSession a = world.bind("alice", "phone");
        world.rosterGet(a, null);
        world.rosterSet(a, World.item("bob@example.org", "Bob", "Friends"));
        Roster before = world.stored("alice");
        int pushesBefore = pushes(a).size();

        Element twoItems = Element.builder("query", RosterItem.NAMESPACE).child(World.item("carol@example.org", "C"))
                .child(World.item("dave@example.org", "D")).build();
        assertEquals(StanzaErrorCondition.BAD_REQUEST, world.iq(a, "set", twoItems, null).errorCondition());
        Element none = Element.empty("query", RosterItem.NAMESPACE);
        assertEquals(StanzaErrorCondition.BAD_REQUEST, world.iq(a, "set", none, null).errorCondition());
        assertEquals(StanzaErrorCondition.JID_MALFORMED, world.rosterSet(a, World.item("@example.org", "x")).errorCondition());
        assertEquals(StanzaErrorCondition.JID_MALFORMED, world.rosterSet(a, World.item("bob@", "x")).errorCondition());
        Element both = World.item("bob@example.org", "Bob").toBuilder().attribute("subscription", "both").build();
        assertEquals(StanzaErrorCondition.BAD_REQUEST, world.rosterSet(a, both).errorCondition());
        Element longName = World.item("bob@example.org", "a name of more than twenty characters");
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, world.rosterSet(a, longName).errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE,
                world.rosterSet(a, World.item("bob@example.org", "Bob", "eleven char")).errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, world.rosterSet(a, World.item("bob@example.org", "Bob", "")).errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE,
                world.rosterSet(a, World.item("bob@example.org", "Bob", "a", "b", "c")).errorCondition());
        assertEquals(StanzaErrorCondition.BAD_REQUEST,
                world.rosterSet(a, World.item("bob@example.org", "Bob", "Same", "Same")).errorCondition());

        for (String value : new String[] {"to", "from", "pending"}) {
            Element other = World.item("bob@example.org", "Bob").toBuilder().attribute("subscription", value).build();
            assertEquals(StanzaErrorCondition.BAD_REQUEST, world.rosterSet(a, other).errorCondition(), value);
        }

        assertEquals(before, world.stored("alice"), "nothing stored changed");
        assertEquals(pushesBefore, pushes(a).size(), "nothing was pushed");
    }

    /** Issue 12: an address of this server that no directory knows is refused; other domains are not ours to judge. */
    @Test
    void aContactOfThisServerThatDoesNotExistIsNotAddedButOneAlreadyThereCanStillBeRenamedAndRemoved() {
        TestSession a = world.bind("alice", "phone");
        Roster before = world.stored("alice");
        Stanza refused = world.rosterSet(a, World.item("zed@example.org", "Zed"));
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, refused.errorCondition());
        assertEquals(before, world.stored("alice"), "nothing stored");
        assertEquals("result", world.rosterSet(a, World.item("someone@elsewhere.example.net", "Remote")).type(),
                "another domain's accounts are for its server to know");

        world.accounts.add("gina");
        assertEquals("result", world.rosterSet(a, World.item("gina@example.org", "Gina")).type());
        world.accounts.remove("gina"); // her account is deleted: the item stays the user's to manage
        assertEquals("result", world.rosterSet(a, World.item("gina@example.org", "Gina (left)")).type());
        assertEquals("result", world.rosterSet(a, World.removal("gina@example.org")).type());
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, world.rosterSet(a, World.item("gina@example.org", "Gina")).errorCondition());
    }

    @Test
    void aFullRosterRefusesANewItemWithResourceConstraintButStillUpdatesItsItems() {
        TestSession a = world.bind("alice", "phone");
        for (String c : List.of("bob", "carol", "dave")) {
            assertEquals("result", world.rosterSet(a, World.item(c + "@example.org", c)).type());
        }
        Roster full = world.stored("alice");
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, world.rosterSet(a, World.item("erin@example.org", "e")).errorCondition());
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, presenceError(a, "subscribe", "erin@example.org"));
        assertEquals(full, world.stored("alice"));
        assertEquals("result", world.rosterSet(a, World.item("bob@example.org", "Bobby")).type());
    }

    private StanzaErrorCondition presenceError(TestSession s, String type, String to) {
        int before = s.received.size();
        world.presence(s, type, to);
        return s.received.subList(before, s.received.size()).stream().filter(Stanza::isError).findFirst()
                .map(Stanza::errorCondition).orElse(null);
    }

    @Test
    void aRosterPushForgedByAClientIsRefusedAndNeverReachesItsTarget() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "laptop");
        Element push = Element.builder("query", RosterItem.NAMESPACE).child(World.item("mallory@example.org", "friend")).build();

        assertEquals(StanzaErrorCondition.FORBIDDEN, world.iq(a, "set", push, "bob@example.org/laptop").errorCondition());
        assertEquals(StanzaErrorCondition.FORBIDDEN, world.iq(a, "set", push, "bob@example.org").errorCondition());
        assertEquals(StanzaErrorCondition.FORBIDDEN, world.iq(a, "get", Element.empty("query", RosterItem.NAMESPACE),
                "bob@example.org").errorCondition(), "nor is another user's roster read");
        assertTrue(b.received.isEmpty(), "bob got nothing: " + b.received);
        assertEquals(0, world.stored("bob").version());
    }

    @Test
    void anUnknownPresenceTypeIsABadRequest() {
        TestSession a = world.bind("alice", "phone");
        assertEquals(StanzaErrorCondition.BAD_REQUEST, presenceError(a, "subscribe-please", "bob@example.org"));
        assertEquals(0, world.stored("alice").version());
    }
}
