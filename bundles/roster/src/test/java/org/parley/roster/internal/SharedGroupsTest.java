package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.roster.SharedGroup;
import org.parley.api.roster.SharedGroupSource;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Shared roster groups: members see each other, presence flows, the user cannot break it, changes are pushed. */
class SharedGroupsTest {
    private final World world = new World(Limits.DEFAULTS, "alice", "bob", "carol", "dave");
    private ConfiguredSharedGroups config;

    @AfterEach
    void close() {
        world.close();
    }

    static SharedGroupsConfig cfg(String... groups) {
        return new SharedGroupsConfig() {
            @Override
            public String[] groups() {
                return groups;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SharedGroupsConfig.class;
            }
        };
    }

    private void configure(String... groups) {
        if (config == null) {
            config = new ConfiguredSharedGroups(cfg(groups));
            world.shared.addSource(config, Map.of(SharedGroupSource.NAME, "config"));
        } else {
            config.modified(cfg(groups));
        }
    }

    /** The items of a roster result, by JID. */
    private static Map<String, Element> items(Stanza result) {
        Map<String, Element> items = new java.util.LinkedHashMap<>();
        Element query = result.payload();
        if (query != null) {
            for (Element item : query.elements()) {
                items.put(item.attribute("jid"), item);
            }
        }
        return items;
    }

    private static List<String> groups(Element item) {
        List<String> groups = new ArrayList<>();
        for (Element g : item.elements()) {
            groups.add(g.text());
        }
        return groups;
    }

    private static List<Element> pushes(TestSession s) {
        List<Element> result = new ArrayList<>();
        for (Stanza x : s.received) {
            if (x.isIq() && "set".equals(x.type()) && x.payload() != null && RosterItem.NAMESPACE.equals(x.payload().namespace())) {
                result.add(x.payload());
            }
        }
        return result;
    }

    private static List<Stanza> presenceFrom(TestSession s, String from, String type) {
        return s.received.stream().filter(x -> x.kind() == Stanza.Kind.PRESENCE && x.from().toString().equals(from)
                && Objects.equals(type, x.type())).toList();
    }

    @Test
    void membersSeeEachOtherWithSubscriptionBothAndTheGroupName_othersSeeNothing() {
        configure("Staff: alice, bob; Lab 3: bob, carol");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession d = world.bind("dave", "desk");

        Map<String, Element> alices = items(world.rosterGet(a, null));
        assertEquals(Set.of("bob@example.org"), alices.keySet());
        assertEquals("both", alices.get("bob@example.org").attribute("subscription"));
        assertEquals(List.of("Staff"), groups(alices.get("bob@example.org")));
        Map<String, Element> bobs = items(world.rosterGet(b, null));
        assertEquals(Set.of("alice@example.org", "carol@example.org"), bobs.keySet());
        assertEquals(List.of("Lab 3"), groups(bobs.get("carol@example.org")));
        assertTrue(items(world.rosterGet(d, null)).isEmpty(), "dave is in no group");
        assertTrue(world.stored("alice").items().isEmpty(), "nothing of it is stored in the user's roster");
    }

    @Test
    void presenceFlowsBetweenMembersWithoutAnySubscriptionRequest() {
        configure("Staff: alice, bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession d = world.bind("dave", "desk");
        world.broadcast(b, "away");
        world.broadcast(d, null);
        world.broadcast(a, null);

        assertEquals(1, presenceFrom(b, "alice@example.org/phone", null).size(), "bob sees alice come online");
        List<Stanza> probed = presenceFrom(a, "bob@example.org/desk", null);
        assertEquals(1, probed.size(), "alice's probe brought bob's presence: " + a.received);
        assertEquals("away", probed.get(0).element().childText("show"));
        assertTrue(presenceFrom(d, "alice@example.org/phone", null).isEmpty(), "dave, in no group, sees nothing");
        assertTrue(world.routed.stream().noneMatch(s -> "subscribe".equals(s.type())), "no request was needed");

        world.unavailable(b);
        assertEquals(1, presenceFrom(a, "bob@example.org/desk", "unavailable").size());
    }

    @Test
    void theUserCannotRemoveOrCancelASharedContact_butMayNameItAndAddOwnGroups() {
        configure("Staff: alice, bob");
        TestSession a = world.bind("alice", "phone");
        world.rosterGet(a, null);

        Stanza removal = world.rosterSet(a, World.removal("bob@example.org"));
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, removal.errorCondition());
        world.presence(a, "unsubscribe", "bob@example.org");
        world.presence(a, "unsubscribed", "bob@example.org");
        assertEquals(2, a.received.stream().filter(s -> s.kind() == Stanza.Kind.PRESENCE && "error".equals(s.type())
                && s.errorCondition() == StanzaErrorCondition.NOT_ALLOWED).count(), "both cancellations refused: " + a.received);
        assertTrue(world.stored("alice").items().isEmpty() && world.stored("bob").items().isEmpty(), "nothing stored changed");

        int before = a.received.size();
        world.presence(a, "subscribe", "bob@example.org");
        List<Stanza> answer = a.received.subList(before, a.received.size());
        assertEquals(1, answer.stream().filter(s -> "subscribed".equals(s.type()) && s.from().toString().equals("bob@example.org")).count(),
                "a request is answered as already approved: " + answer);
        assertTrue(world.routed.stream().noneMatch(s -> "subscribe".equals(s.type())), "and goes no further");

        // Smack echoes the groups it shows: the shared one is not stored as the user's own.
        assertNull(world.rosterSet(a, World.item("bob@example.org", "Bobby", "Staff", "Friends")).errorCondition());
        RosterItem stored = world.stored("alice").item("bob@example.org");
        assertEquals(List.of("Friends"), stored.groups());
        assertEquals(Subscription.NONE, stored.subscription());
        Element shown = items(world.rosterGet(a, null)).get("bob@example.org");
        assertEquals("Bobby", shown.attribute("name"));
        assertEquals("both", shown.attribute("subscription"));
        assertEquals(List.of("Staff", "Friends"), groups(shown));
        Element pushed = pushes(a).get(pushes(a).size() - 1).elements().get(0);
        assertEquals("both", pushed.attribute("subscription"), "the push shows the item as the user sees it");
    }

    @Test
    void membershipChangesArePushedToOnlineMembersWithPresence() {
        configure("Staff: alice, bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession c = world.bind("carol", "desk");
        String alicesVersion = world.rosterGet(a, null).payload().attribute("ver");
        world.rosterGet(b, null);
        world.rosterGet(c, null);
        world.broadcast(a, null);
        world.broadcast(b, null);
        world.broadcast(c, "dnd");

        configure("Staff: alice, carol");

        Element toAlice = pushes(a).get(pushes(a).size() - 1);
        List<Element> alicePushes = pushes(a);
        assertEquals(2, alicePushes.size(), "bob leaves, carol arrives: " + alicePushes);
        Map<String, String> subs = new java.util.HashMap<>();
        for (Element q : alicePushes) {
            subs.put(q.elements().get(0).attribute("jid"), q.elements().get(0).attribute("subscription"));
        }
        assertEquals(Map.of("bob@example.org", "remove", "carol@example.org", "both"), subs);
        assertNotEquals(alicesVersion, toAlice.attribute("ver"), "the version moved");
        assertEquals(1, pushes(b).size(), "bob loses alice");
        assertEquals(1, pushes(c).size(), "carol gains alice");
        assertEquals(1, presenceFrom(a, "carol@example.org/desk", null).size(), "alice sees carol's presence at once");
        assertEquals(1, presenceFrom(c, "alice@example.org/phone", null).size(), "and carol alice's");
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size(), "bob sees alice go");
        assertEquals(1, presenceFrom(a, "bob@example.org/desk", "unavailable").size(), "and alice bob");

        // XEP-0237: the version alice held before the change gets the whole roster, the current one nothing.
        Stanza whole = world.rosterGet(a, alicesVersion);
        assertEquals(Set.of("carol@example.org"), items(whole).keySet());
        assertNull(world.rosterGet(a, toAlice.attribute("ver")).payload(), "current version: empty result");
    }

    @Test
    void anOlderVersionWithTheSameSharedContactsGetsOnlyTheStoredChanges() {
        configure("Staff: alice, bob");
        TestSession a = world.bind("alice", "phone");
        String v1 = world.rosterGet(a, null).payload().attribute("ver");
        assertTrue(v1.contains("-"), "the version carries the shared contacts' tag: " + v1);
        world.rosterSet(a, World.item("dave@example.org", "Dave"));
        TestSession a2 = world.bind("alice", "laptop");
        Stanza answer = world.rosterGet(a2, v1);
        assertNull(answer.payload(), "an empty result, then the change as a push");
        List<Element> pushed = pushes(a2);
        assertEquals(1, pushed.size());
        assertEquals("dave@example.org", pushed.get(0).elements().get(0).attribute("jid"));
    }

    @Test
    void leavingAGroupGivesBackThePersonalSubscription() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        world.presence(a, "subscribe", "bob@example.org");
        world.presence(b, "subscribed", "alice@example.org");
        configure("Staff: alice, bob");
        world.rosterGet(a, null);
        int unavailableBefore = presenceFrom(b, "alice@example.org/phone", "unavailable").size();

        configure("");

        Element item = items(world.rosterGet(a, null)).get("bob@example.org");
        assertEquals("to", item.attribute("subscription"), "alice still has her own subscription to bob");
        assertEquals(unavailableBefore, presenceFrom(a, "bob@example.org/desk", "unavailable").size(),
                "bob, who approved alice, does not vanish for her");
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size(),
                "alice never approved bob: he no longer sees her");
    }

    @Test
    void theRosterUpgradeKeepsTheGroupsAndPushesNothing() {
        configure("Staff: alice, bob");
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.rosterGet(a, null);
        world.broadcast(a, null);
        world.broadcast(b, null);
        int received = a.received.size();

        world.upgrade(); // the successor takes the groups over before any source is bound
        assertEquals(Set.of("bob"), world.shared.contactsOf("alice").keySet());
        config = null;
        configure("Staff: alice, bob"); // the new bundle's config source arrives
        world.broadcast(b, "away");

        List<Stanza> since = a.received.subList(received, a.received.size());
        assertTrue(since.stream().noneMatch(s -> s.isIq()), "no push: " + since);
        assertEquals(1, since.stream().filter(s -> "away".equals(s.element().childText("show"))).count(), "bob's update reached alice");
    }

    @Test
    void aSourceThatLeavesKeepsItsGroupsForTheGracePeriod_andOneThatDoesNotComeBackLosesThem() throws Exception {
        configure("Staff: alice, bob");
        world.shared.removeSource(config, Map.of(SharedGroupSource.NAME, "config"));
        assertEquals(Set.of("bob@example.org"), world.shared.contactsOf("alice").keySet().stream().map(u -> u + "@example.org")
                .collect(java.util.stream.Collectors.toSet()), "kept during the grace period");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!world.shared.contactsOf("alice").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(world.shared.contactsOf("alice").isEmpty(), "dropped after it");
    }

    @Test
    void anInvalidConfigurationIsRefusedNamingTheKey_andTheGroupsBeforeStay() throws Exception {
        configure("Staff: alice, bob");
        for (String bad : List.of("Staff alice, bob", ": alice", "Staff: alice; Staff: bob", "Staff: alice@other.org", "Staff: al ice",
                "Sta\u0007ff: alice")) {
            ConfiguredSharedGroups.Invalid e = assertThrows(ConfiguredSharedGroups.Invalid.class,
                    () -> ConfiguredSharedGroups.parse(new String[] {bad}), bad);
            assertTrue(e.getMessage().startsWith("org.parley.roster.sharedgroups: key 'groups': "), e.getMessage());
            config.modified(cfg(bad));
            assertEquals(List.of(new SharedGroup("Staff", Set.of("alice", "bob"))), config.groups(), bad);
        }
        assertEquals(List.of(new SharedGroup("A", Set.of("alice", "bob")), new SharedGroup("B c", Set.of("carol"))),
                ConfiguredSharedGroups.parse(new String[] {"A: Alice , bob,;", " B c : carol"}), "prepared usernames, several values");
    }

    @Test
    void aBigGroupIsKeptByMembershipAndAJoinChangesOnlyThePairsOfTheNewMember() {
        Set<String> members = new java.util.HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            members.add("u" + i);
        }
        SharedRosterGroups.View before = SharedRosterGroups.View.of(Map.of("ldap", List.of(new SharedGroup("All", members))));
        Set<String> more = new java.util.HashSet<>(members);
        more.add("newcomer");
        SharedRosterGroups.View after = SharedRosterGroups.View.of(Map.of("ldap", List.of(new SharedGroup("All", more))));
        assertEquals(20_001, after.groupsByUser().size(), "one entry per member, not per pair");
        assertEquals(20_000, after.of("newcomer").size());
        List<SharedRosterGroups.PairChange> changes = SharedRosterGroups.diff(before, after);
        assertEquals(40_000, changes.size(), "the newcomer sees everyone and everyone sees the newcomer, nothing else");
        assertTrue(changes.stream().allMatch(c -> c.username().equals("newcomer") || c.contact().equals("newcomer")));
    }
}
