package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/** Presence that follows from subscriptions (RFC 6121 section 4), and requests kept for offline users (section 3.1.3). */
class PresenceTest {
    private final World world = new World(Limits.DEFAULTS, "alice", "bob", "carol");

    @AfterEach
    void close() {
        world.close();
    }

    /** Alice and bob see each other's presence: both ask, both approve. */
    private void subscribeBothWays(TestSession a, TestSession b) {
        world.presence(a, "subscribe", "bob@example.org");
        world.presence(b, "subscribed", "alice@example.org");
        world.presence(b, "subscribe", "alice@example.org");
        world.presence(a, "subscribed", "bob@example.org");
        assertEquals(Subscription.BOTH, world.stored("alice").item("bob@example.org").subscription());
        assertEquals(Subscription.BOTH, world.stored("bob").item("alice@example.org").subscription());
    }

    private static List<Stanza> presenceFrom(TestSession s, String from, String type) {
        return s.received.stream().filter(x -> x.kind() == Stanza.Kind.PRESENCE && x.from().toString().equals(from)
                && java.util.Objects.equals(type, x.type())).toList();
    }

    @Test
    void initialPresenceReachesSubscribersAndOwnResourcesAndTheProbesBringBackTheContactsPresence() {
        TestSession a1 = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        TestSession c = world.bind("carol", "desk");
        world.broadcast(a1, null);
        world.broadcast(b, "away");
        world.broadcast(c, null);
        subscribeBothWays(a1, b);

        TestSession a2 = world.bind("alice", "laptop");
        world.broadcast(a2, "chat");

        assertEquals(1, presenceFrom(b, "alice@example.org/laptop", null).size(), "bob, subscribed to alice, sees her new resource");
        assertEquals(1, presenceFrom(a1, "alice@example.org/laptop", null).size(), "alice's other resource sees it");
        assertTrue(presenceFrom(c, "alice@example.org/laptop", null).isEmpty(), "carol, not subscribed, sees nothing");
        List<Stanza> probed = presenceFrom(a2, "bob@example.org/desk", null);
        assertEquals(1, probed.size(), "the probe brought bob's presence to the new resource: " + a2.received);
        assertEquals("away", probed.get(0).element().childText("show"));
        assertEquals(1, presenceFrom(a2, "alice@example.org/phone", null).size(), "and the presence of alice's other resource");
    }

    @Test
    void anUpdateAndUnavailablePresenceGoToEveryoneSubscribed() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        subscribeBothWays(a, b);
        int probesBefore = (int) world.routed.stream().filter(s -> "probe".equals(s.type())).count();

        world.broadcast(a, "dnd");
        assertEquals("dnd", presenceFrom(b, "alice@example.org/phone", null).get(presenceFrom(b, "alice@example.org/phone", null).size() - 1)
                .element().childText("show"));
        assertEquals(probesBefore, world.routed.stream().filter(s -> "probe".equals(s.type())).count(), "an update probes no one");

        world.unavailable(a);
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size());
    }

    @Test
    void aContactWhoWentOfflineIsReportedUnavailableWithTheTimeTheServerKnows() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        subscribeBothWays(a, b);
        world.end(b);
        world.end(a);

        TestSession again = world.bind("alice", "tablet");
        world.broadcast(again, null);
        List<Stanza> last = presenceFrom(again, "bob@example.org/desk", "unavailable");
        assertEquals(1, last.size(), "the probe was answered with bob's last unavailable presence: " + again.received);
        Element delay = last.get(0).element().child("delay", RosterService.DELAY);
        assertNotNull(delay, "with the time it was sent (XEP-0203)");
        assertEquals("example.org", delay.attribute("from"));
    }

    @Test
    void whenAContactLeftIsKept_soAProbeAfterARestartStillSaysIt() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        subscribeBothWays(a, b);
        world.unavailableWithStatus(b, "gone home");
        world.end(b);
        world.end(a);

        world.start(Limits.DEFAULTS); // a new instance with nothing handed over: only the database remembers
        TestSession again = world.bind("alice", "tablet");
        world.broadcast(again, null);
        List<Stanza> last = presenceFrom(again, "bob@example.org/desk", "unavailable");
        assertEquals(1, last.size(), "answered from storage: " + again.received);
        assertEquals("gone home", last.get(0).element().childText("status"));
        assertNotNull(last.get(0).element().child("delay", RosterService.DELAY));
    }

    private Stanza lastActivity(String askerFullJid, String of) {
        Element.Builder iq = Element.builder("iq", org.parley.api.stanza.Namespaces.CLIENT).attribute("type", "get").attribute("id", "l")
                .attribute("from", askerFullJid).attribute("to", of).child(Element.empty("query", RosterService.LAST_ACTIVITY));
        return world.service.lastActivity(Stanza.create(iq.build()), World.user(of.substring(0, of.indexOf('@'))))
                .toCompletableFuture().join();
    }

    @Test
    void lastActivityOfAnAccountIsForItsUserAndTheContactsWhoSeeItsPresence() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        subscribeBothWays(a, b);

        Stanza online = lastActivity("alice@example.org/phone", "bob@example.org");
        assertEquals("0", online.payload().attribute("seconds"), "online now: " + online);
        assertEquals(org.parley.api.stanza.StanzaErrorCondition.FORBIDDEN, lastActivity("carol@example.org/x", "bob@example.org").errorCondition(),
                "carol does not see bob's presence");

        world.unavailableWithStatus(b, "at the library");
        world.end(b);
        Stanza offline = lastActivity("alice@example.org/phone", "bob@example.org");
        assertEquals("result", offline.type());
        assertTrue(Long.parseLong(offline.payload().attribute("seconds")) >= 0);
        assertEquals("at the library", offline.payload().text());
        assertEquals("result", lastActivity("bob@example.org/other", "bob@example.org").type(), "bob may ask about himself");
        assertEquals(org.parley.api.stanza.StanzaErrorCondition.FORBIDDEN, lastActivity("carol@example.org/x", "bob@example.org").errorCondition());

        // Carol never signed out while the server watched: there is nothing to tell, even to her.
        assertEquals(org.parley.api.stanza.StanzaErrorCondition.ITEM_NOT_FOUND,
                lastActivity("carol@example.org/x", "carol@example.org").errorCondition());
    }

    @Test
    void aRequestToAnOfflineUserWaitsForTheirNextSignInAndComesAgainUntilAnswered() {
        TestSession a = world.bind("alice", "phone");
        world.broadcast(a, null);
        world.presence(a, "subscribe", "bob@example.org");
        assertTrue(world.stored("bob").item("alice@example.org").pendingIn());
        assertTrue(world.stored("bob").visible().isEmpty(), "a request does not put alice in bob's roster");

        TestSession b = world.bind("bob", "desk");
        world.broadcast(b, null);
        assertEquals(1, presenceFrom(b, "alice@example.org", "subscribe").size(), "delivered at sign-in");
        world.end(b);
        TestSession b2 = world.bind("bob", "desk");
        world.broadcast(b2, null);
        assertEquals(1, presenceFrom(b2, "alice@example.org", "subscribe").size(), "and again at the next, while unanswered");

        world.presence(b2, "subscribed", "alice@example.org");
        assertEquals(Subscription.TO, world.stored("alice").item("bob@example.org").subscription());
        assertEquals(1, presenceFrom(a, "bob@example.org/desk", null).size(), "approving sends bob's presence to alice");
        world.end(b2);
        TestSession b3 = world.bind("bob", "desk");
        world.broadcast(b3, null);
        assertTrue(presenceFrom(b3, "alice@example.org", "subscribe").isEmpty(), "an answered request is not delivered again");
    }

    @Test
    void aRequestToAnAccountThatDoesNotExistIsAnsweredUnsubscribedAndLeavesNothing() {
        TestSession a = world.bind("alice", "phone");
        world.broadcast(a, null);
        world.rosterGet(a, null);
        world.presence(a, "subscribe", "nobody@example.org");

        assertEquals(1, presenceFrom(a, "nobody@example.org", "unsubscribed").size());
        assertEquals(0, world.database.count("SELECT COUNT(*) FROM roster_item"), "no item on either side");
        assertTrue(a.received.stream().noneMatch(s -> s.isIq() && "set".equals(s.type())), "and no push: " + a.received);
    }

    @Test
    void removingAContactCancelsBothWaysAndTheContactNoLongerSeesTheUser() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.broadcast(a, null);
        world.broadcast(b, null);
        subscribeBothWays(a, b);

        world.rosterSet(a, World.removal("bob@example.org"));

        RosterItem bobs = world.stored("bob").item("alice@example.org");
        assertEquals(Subscription.NONE, bobs.subscription(), "RFC 6121 section 2.5.2: bob keeps one item for alice, with no subscription");
        assertTrue(bobs.inRoster());
        assertEquals(1, presenceFrom(b, "alice@example.org/phone", "unavailable").size(), "bob no longer sees alice online");
        assertEquals(null, world.stored("alice").item("bob@example.org"));
    }

    @Test
    void autoApprovalIsOffByDefaultAndApprovesWhenTheOperatorTurnsItOn() {
        TestSession a = world.bind("alice", "phone");
        world.presence(a, "subscribe", "bob@example.org");
        assertEquals(Subscription.NONE, world.stored("alice").item("bob@example.org").subscription(), "buddies must be approved");

        try (World open = new World(new Limits(100, 100, 100, 10, true), "alice", "bob")) {
            TestSession a2 = open.bind("alice", "phone");
            open.presence(a2, "subscribe", "bob@example.org");
            assertEquals(Subscription.TO, open.stored("alice").item("bob@example.org").subscription());
            assertEquals(Subscription.FROM, open.stored("bob").item("alice@example.org").subscription());
        }
    }

    @Test
    void aPreApprovalAnswersTheRequestWhenItComes() {
        TestSession a = world.bind("alice", "phone");
        TestSession b = world.bind("bob", "desk");
        world.presence(b, "subscribed", "alice@example.org");
        RosterItem pre = world.stored("bob").item("alice@example.org");
        assertTrue(pre.approved() && pre.inRoster());
        assertEquals("true", pre.toElement().attribute("approved"));
        assertTrue(a.received.isEmpty(), "a pre-approval is not sent to alice");

        world.presence(a, "subscribe", "bob@example.org");
        assertEquals(Subscription.TO, world.stored("alice").item("bob@example.org").subscription());
        RosterItem approved = world.stored("bob").item("alice@example.org");
        assertEquals(Subscription.FROM, approved.subscription());
        assertTrue(!approved.approved());
        assertTrue(presenceFrom(b, "alice@example.org", "subscribe").isEmpty(), "bob is not asked again");
    }
}
