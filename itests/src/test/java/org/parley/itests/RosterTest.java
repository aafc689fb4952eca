package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterGroup;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Rosters, subscriptions and presence (RFC 6121) with Smack clients of several users and
 * resources: what each one sees, and what the server refuses.
 */
class RosterTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ROSTER = "jabber:iq:roster";

    static {
        // Smack would otherwise refuse every request on the user's behalf; a person answers them here.
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The presence stanzas of one type a connection receives. */
    static List<Presence> collect(XMPPTCPConnection c, Presence.Type type) {
        List<Presence> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add((Presence) s), s -> s instanceof Presence p && p.getType() == type);
        return got;
    }

    private static Presence presence(XMPPTCPConnection from, Presence.Type type, BareJid to) {
        return from.getStanzaFactory().buildPresenceStanza().ofType(type).to(to).build();
    }

    private static StanzaError.Condition refusal(XMPPTCPConnection c, IQ iq) {
        XMPPErrorException e = assertThrows(XMPPErrorException.class, () -> c.sendIqRequestAndWaitForResponse(iq));
        return e.getStanzaError().getCondition();
    }

    @Test
    void aRosterChangeFromOneResourceIsPushedToTheOthersWithItsNameAndGroups() throws Exception {
        List<Account> accounts = server.newAccounts("push", 2);
        XMPPTCPConnection phone = server.login(accounts.get(0), "phone");
        XMPPTCPConnection laptop = server.login(accounts.get(0), "laptop");
        Roster onPhone = Roster.getInstanceFor(phone);
        Roster onLaptop = Roster.getInstanceFor(laptop);
        onPhone.reloadAndWait();
        onLaptop.reloadAndWait();
        assertTrue(onPhone.getEntries().isEmpty());
        assertTrue(onPhone.isRosterVersioningSupported(), "XEP-0237 is announced as a stream feature");
        assertTrue(onPhone.isSubscriptionPreApprovalSupported(), "RFC 6121 section 3.4 is announced as a stream feature");

        BareJid bob = accounts.get(1).bareJid();
        onPhone.createItem(bob, "Bob", new String[] {"Friends", "Chess club"});

        await("the laptop's roster shows bob", () -> onLaptop.getEntry(bob) != null);
        RosterEntry entry = onLaptop.getEntry(bob);
        assertEquals("Bob", entry.getName());
        assertEquals(List.of("Chess club", "Friends"), entry.getGroups().stream().map(RosterGroup::getName).sorted().toList());
        assertEquals(RosterPacket.ItemType.none, entry.getType(), "no subscription until bob approves one");

        onLaptop.removeEntry(entry);
        await("the phone's roster no longer shows bob", () -> onPhone.getEntry(bob) == null);

        // A third resource signing in later gets the roster as stored.
        XMPPTCPConnection tablet = server.login(accounts.get(0), "tablet");
        Roster.getInstanceFor(tablet).reloadAndWait();
        assertTrue(Roster.getInstanceFor(tablet).getEntries().isEmpty());
    }

    @Test
    void aCurrentRosterVersionIsAnsweredWithAnEmptyResult() throws Exception {
        List<Account> accounts = server.newAccounts("ver", 3); // the contacts must exist: item-not-found otherwise
        Account alice = accounts.get(0);
        XMPPTCPConnection c = server.login(alice, "phone");
        Roster.getInstanceFor(c).reloadAndWait();
        Roster.getInstanceFor(c).createItem(accounts.get(1).bareJid(), "Someone", null);
        IQ whole = c.sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.get, null, "query", ROSTER, Map.of("ver", ""), ""));
        RosterPacket roster = (RosterPacket) whole;
        assertEquals(1, roster.getRosterItemCount());
        String version = roster.getVersion();
        assertTrue(version != null && !version.isEmpty(), "the result carries a version");

        IQ same = c.sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.get, null, "query", ROSTER, Map.of("ver", version), ""));
        assertEquals(IQ.Type.result, same.getType());
        assertTrue(!(same instanceof RosterPacket), "no roster when the client's version is current: " + same.toXML());

        // A client holding that version, after a change: an empty result, then the change as a push.
        Roster.getInstanceFor(c).createItem(accounts.get(2).bareJid(), "Someone else", null);
        XMPPTCPConnection other = server.login(alice, "tablet");
        List<RosterPacket> pushes = new CopyOnWriteArrayList<>();
        // Smack hands iq requests to their handler only (no stanza listener sees them): this one records the pushes.
        other.registerIQRequestHandler(new AbstractIqRequestHandler("query", ROSTER, IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ push) {
                pushes.add((RosterPacket) push);
                return IQ.createResultIQ(push);
            }
        });
        IQ delta = other.sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.get, null, "query", ROSTER, Map.of("ver", version), ""));
        assertTrue(!(delta instanceof RosterPacket), "an empty result for a known older version: " + delta.toXML());
        await("the change since arrives as a push", () -> pushes.stream().anyMatch(p -> p.getRosterItems().stream()
                .anyMatch(i -> i.getJid().equals(accounts.get(2).bareJid()))));
    }

    /**
     * Alice (two resources) asks bob while bob is offline; bob signs in, gets the request, approves
     * it and asks back; alice approves. Each sees the other online, on every resource; carol, who
     * has no subscription, sees neither.
     */
    @Test
    void aSubscriptionAskedWhileTheContactIsOfflineIsApprovedAtSignInAndBothSeeEachOther() throws Exception {
        List<Account> accounts = server.newAccounts("sub", 3);
        Account aliceAccount = accounts.get(0);
        Account bobAccount = accounts.get(1);
        XMPPTCPConnection alice = server.login(aliceAccount, "phone");
        XMPPTCPConnection alice2 = server.login(aliceAccount, "laptop");
        XMPPTCPConnection carol = server.login(accounts.get(2), "desk");
        List<Presence> carolSees = collect(carol, Presence.Type.available);
        Roster aliceRoster = Roster.getInstanceFor(alice);
        Roster alice2Roster = Roster.getInstanceFor(alice2);
        aliceRoster.reloadAndWait();
        alice2Roster.reloadAndWait();

        aliceRoster.createItemAndRequestSubscription(bobAccount.bareJid(), "Bob", new String[] {"Work"});
        await("alice's other resource shows the pending request",
                () -> alice2Roster.getEntry(bobAccount.bareJid()) != null && alice2Roster.getEntry(bobAccount.bareJid()).isSubscriptionPending());

        XMPPTCPConnection bob = server.newConnection(server.smackConfig(bobAccount, "desk").build());
        List<Presence> requests = collect(bob, Presence.Type.subscribe);
        bob.connect().login();
        await("bob gets alice's request at sign-in", () -> !requests.isEmpty());
        assertEquals(aliceAccount.bareJid(), requests.get(0).getFrom().asBareJid());
        Roster.getInstanceFor(bob).reloadAndWait();
        assertNull(Roster.getInstanceFor(bob).getEntry(aliceAccount.bareJid()), "a request does not put alice in bob's roster");

        bob.sendStanza(presence(bob, Presence.Type.subscribed, aliceAccount.bareJid()));
        await("alice is subscribed to bob", () -> aliceRoster.getEntry(bobAccount.bareJid()).getType() == RosterPacket.ItemType.to);
        await("alice sees bob online", () -> aliceRoster.getPresence(bobAccount.bareJid()).isAvailable());
        await("so does her laptop", () -> alice2Roster.getPresence(bobAccount.bareJid()).isAvailable());
        Roster bobRoster = Roster.getInstanceFor(bob);
        await("bob's roster shows alice with 'from'", () -> bobRoster.getEntry(aliceAccount.bareJid()) != null
                && bobRoster.getEntry(aliceAccount.bareJid()).getType() == RosterPacket.ItemType.from);

        List<Presence> aliceRequests = collect(alice, Presence.Type.subscribe);
        bob.sendStanza(presence(bob, Presence.Type.subscribe, aliceAccount.bareJid()));
        await("alice gets bob's request", () -> !aliceRequests.isEmpty());
        alice.sendStanza(presence(alice, Presence.Type.subscribed, bobAccount.bareJid()));
        await("both ways", () -> bobRoster.getEntry(aliceAccount.bareJid()).getType() == RosterPacket.ItemType.both
                && aliceRoster.getEntry(bobAccount.bareJid()).getType() == RosterPacket.ItemType.both);
        await("bob sees alice online", () -> bobRoster.getPresence(aliceAccount.bareJid()).isAvailable());

        // A status change reaches bob; carol, with no subscription, saw none of it.
        alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setStatus("in a meeting").build());
        await("bob sees alice's new status", () -> bobRoster.getPresences(aliceAccount.bareJid()).stream()
                .anyMatch(p -> "in a meeting".equals(p.getStatus())));
        Xmpp.pingServer(carol);
        assertTrue(carolSees.stream().noneMatch(p -> p.getFrom().asBareJid().equals(aliceAccount.bareJid())
                || p.getFrom().asBareJid().equals(bobAccount.bareJid())), "carol saw: " + carolSees);

        // Alice signs out: bob sees her go; removing bob then cancels both subscriptions.
        alice2.disconnect();
        alice.disconnect();
        await("bob sees alice offline", () -> !bobRoster.getPresence(aliceAccount.bareJid()).isAvailable());
        XMPPTCPConnection aliceAgain = server.login(aliceAccount, "phone");
        Roster again = Roster.getInstanceFor(aliceAgain);
        again.reloadAndWait();
        await("alice, back, sees bob online through the probe", () -> again.getPresence(bobAccount.bareJid()).isAvailable());
        again.removeEntry(again.getEntry(bobAccount.bareJid()));
        await("bob keeps one item for alice, with no subscription", () -> bobRoster.getEntry(aliceAccount.bareJid()) != null
                && bobRoster.getEntry(aliceAccount.bareJid()).getType() == RosterPacket.ItemType.none);
        await("and no longer sees her online", () -> !bobRoster.getPresence(aliceAccount.bareJid()).isAvailable());
        assertEquals(1, bobRoster.getEntries().size());
    }

    @Test
    void aRequestToAnAccountThatDoesNotExistIsAnsweredUnsubscribedAndLeavesNoItem() throws Exception {
        Account alice = server.newAccounts("ghost", 1).get(0);
        XMPPTCPConnection c = server.login(alice, "phone");
        List<Presence> answers = collect(c, Presence.Type.unsubscribed);
        BareJid nobody = JidCreate.entityBareFrom("nobody-" + System.nanoTime() + "@localhost");
        c.sendStanza(presence(c, Presence.Type.subscribe, nobody));
        await("an unsubscribed answer", () -> !answers.isEmpty());
        assertEquals(nobody, answers.get(0).getFrom());
        Roster roster = Roster.getInstanceFor(c);
        roster.reloadAndWait();
        assertNull(roster.getEntry(nobody), "no phantom item");
    }

    @Test
    void badRosterRequestsAreRefusedAndChangeNothing() throws Exception {
        List<Account> accounts = server.newAccounts("bad", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "phone");
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        Roster roster = Roster.getInstanceFor(alice);
        roster.reloadAndWait();
        roster.createItem(accounts.get(1).bareJid(), "Bob", new String[] {"Friends"});
        // Smack hands iq requests to their handler only: this one records every roster set bob receives.
        List<IQ> atBob = new CopyOnWriteArrayList<>();
        bob.registerIQRequestHandler(new AbstractIqRequestHandler("query", ROSTER, IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ push) {
                atBob.add(push);
                return IQ.createResultIQ(push);
            }
        });

        String bobJid = accounts.get(1).jid();
        assertEquals(StanzaError.Condition.bad_request, refusal(alice, new RawIq(IQ.Type.set, null, "query", ROSTER, Map.of(),
                "<item jid='" + bobJid + "' name='B1'/><item jid='carol@localhost' name='C'/>")));
        assertEquals(StanzaError.Condition.jid_malformed, refusal(alice, new RawIq(IQ.Type.set, null, "query", ROSTER, Map.of(),
                "<item jid='@localhost' name='nobody'/>")));
        assertEquals(StanzaError.Condition.bad_request, refusal(alice, new RawIq(IQ.Type.set, null, "query", ROSTER, Map.of(),
                "<item jid='" + bobJid + "' name='B2' subscription='both'/>")));
        assertEquals(StanzaError.Condition.not_acceptable, refusal(alice, new RawIq(IQ.Type.set, null, "query", ROSTER, Map.of(),
                "<item jid='" + bobJid + "' name='" + "x".repeat(1024) + "'/>")));
        assertEquals(StanzaError.Condition.not_acceptable, refusal(alice, new RawIq(IQ.Type.set, null, "query", ROSTER, Map.of(),
                "<item jid='" + bobJid + "'><group>" + "g".repeat(1024) + "</group></item>")));
        // A roster push forged by a client, to another user's resource and to his account.
        assertEquals(StanzaError.Condition.forbidden, refusal(alice, new RawIq(IQ.Type.set, bob.getUser(), "query", ROSTER, Map.of(),
                "<item jid='mallory@localhost' name='trust me'/>")));
        assertEquals(StanzaError.Condition.forbidden, refusal(alice, new RawIq(IQ.Type.set, bob.getUser().asBareJid(), "query", ROSTER,
                Map.of(), "<item jid='mallory@localhost' name='trust me'/>")));

        roster.reloadAndWait();
        RosterEntry entry = roster.getEntry(accounts.get(1).bareJid());
        assertEquals("Bob", entry.getName(), "nothing stored changed");
        assertEquals(List.of("Friends"), entry.getGroups().stream().map(RosterGroup::getName).toList());
        assertEquals(1, roster.getEntries().size());
        Xmpp.pingServer(alice);
        Xmpp.pingServer(bob);
        assertTrue(atBob.isEmpty(), "the forged push never reached bob: " + atBob);
    }
}
