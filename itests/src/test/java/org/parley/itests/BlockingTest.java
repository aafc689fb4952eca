package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The blocking command (XEP-0191) with Smack clients: the list is kept and pushed to the user's
 * other resources, a blocked contact can neither write to the user nor see their presence, the
 * user cannot write to them, and an unblock gives presence back.
 */
class BlockingTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    /** Alice and bob subscribed to each other both ways, each with a connection. */
    record Pair(Account aliceAccount, Account bobAccount, XMPPTCPConnection alice, XMPPTCPConnection bob) {
    }

    /** Two users of {@code server} subscribed to each other both ways, each signed in. */
    static Pair friends(ParleyServer server, String prefix) throws Exception {
        List<Account> accounts = server.newAccounts(prefix, 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "phone");
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        Roster aliceRoster = Roster.getInstanceFor(alice);
        Roster bobRoster = Roster.getInstanceFor(bob);
        aliceRoster.reloadAndWait();
        bobRoster.reloadAndWait();
        for (XMPPTCPConnection[] way : new XMPPTCPConnection[][] {{alice, bob}, {bob, alice}}) {
            XMPPTCPConnection from = way[0];
            XMPPTCPConnection to = way[1];
            List<Presence> requests = RosterTest.collect(to, Presence.Type.subscribe);
            from.sendStanza(presence(from, Presence.Type.subscribe, to.getUser().asBareJid()));
            RosterTest.await("the request arrives", () -> !requests.isEmpty());
            to.sendStanza(presence(to, Presence.Type.subscribed, from.getUser().asBareJid()));
        }
        RosterTest.await("both ways", () -> aliceRoster.getEntry(accounts.get(1).bareJid()) != null
                && aliceRoster.getEntry(accounts.get(1).bareJid()).getType() == RosterPacket.ItemType.both
                && bobRoster.getEntry(accounts.get(0).bareJid()) != null
                && bobRoster.getEntry(accounts.get(0).bareJid()).getType() == RosterPacket.ItemType.both);
        RosterTest.await("bob sees alice online", () -> bobRoster.getPresence(accounts.get(0).bareJid()).isAvailable());
        RosterTest.await("alice sees bob online", () -> aliceRoster.getPresence(accounts.get(1).bareJid()).isAvailable());
        return new Pair(accounts.get(0), accounts.get(1), alice, bob);
    }

    private static Presence presence(XMPPTCPConnection from, Presence.Type type, Jid to) {
        return from.getStanzaFactory().buildPresenceStanza().ofType(type).to(to).build();
    }

    /** Sends a message and returns the error it got, or null when none came by the time a ping returned. */
    private static Message errorFor(XMPPTCPConnection sender, Message m) throws Exception {
        StanzaCollector errors = sender.createStanzaCollector(new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(m)));
        try {
            sender.sendStanza(m);
            Xmpp.pingServer(sender);
            Message error = errors.pollResult();
            return error != null ? error : errors.nextResult(500);
        } finally {
            errors.cancel();
        }
    }

    /** The list as the client knows it (fetched once, then kept up to date by the server's pushes). */
    private static List<Jid> blockList(BlockingCommandManager manager) {
        try {
            return manager.getBlockList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theServerSaysItSupportsBlocking() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("disco-blocking"));
        assertTrue(ServiceDiscoveryManager.getInstanceFor(c).serverSupportsFeature("urn:xmpp:blocking"));
    }

    @Test
    void aBlockedContactCannotWriteOrSeePresenceTheUserCannotWriteToThemAndAnUnblockGivesPresenceBack() throws Exception {
        Pair p = friends(server, "block");
        XMPPTCPConnection laptop = server.login(p.aliceAccount(), "laptop");
        BlockingCommandManager onLaptop = BlockingCommandManager.getInstanceFor(laptop);
        assertTrue(onLaptop.getBlockList().isEmpty());
        Roster bobRoster = Roster.getInstanceFor(p.bob());

        BlockingCommandManager onPhone = BlockingCommandManager.getInstanceFor(p.alice());
        onPhone.blockContacts(List.of(p.bobAccount().bareJid()));
        assertEquals(List.of(p.bobAccount().bareJid()), onPhone.getBlockList());
        RosterTest.await("the laptop, which asked for the list, gets the push",
                () -> blockList(onLaptop).contains(p.bobAccount().bareJid()));
        RosterTest.await("bob sees every resource of alice go offline", () -> !bobRoster.getPresence(p.aliceAccount().bareJid()).isAvailable());

        // Bob writes: an error as if alice were not there, and nothing reaches her.
        List<Message> aliceGot = new CopyOnWriteArrayList<>();
        p.alice().addSyncStanzaListener(s -> aliceGot.add((Message) s), s -> s instanceof Message m && m.getType() != Message.Type.error);
        Message error = errorFor(p.bob(), Xmpp.chat(p.bob(), p.aliceAccount().bareJid(), "are you there?"));
        assertNotNull(error, "the blocked sender learns nothing went through");
        assertEquals(StanzaError.Condition.service_unavailable, error.getError().getCondition());
        // Nor does a request of his reach her account.
        VCard request = new VCard();
        request.setTo(p.aliceAccount().bareJid());
        XMPPErrorException refused = assertThrows(XMPPErrorException.class, () -> p.bob().sendIqRequestAndWaitForResponse(request));
        assertEquals(StanzaError.Condition.service_unavailable, refused.getStanzaError().getCondition());

        // Alice writes to him: refused with the blocking command's own condition.
        Message own = errorFor(p.alice(), Xmpp.chat(p.alice(), p.bobAccount().bareJid(), "never mind"));
        assertNotNull(own);
        assertEquals(StanzaError.Condition.not_acceptable, own.getError().getCondition());
        assertNotNull(own.getError().getExtension("blocked", "urn:xmpp:blocking:errors"), own.toXML().toString());

        // A status change of alice's does not reach him either.
        List<Presence> bobSees = new CopyOnWriteArrayList<>();
        p.bob().addSyncStanzaListener(s -> bobSees.add((Presence) s), s -> s instanceof Presence pr
                && pr.getFrom().asBareJid().equals(p.aliceAccount().bareJid()));
        p.alice().sendStanza(p.alice().getStanzaFactory().buildPresenceStanza().setStatus("busy").build());
        Xmpp.pingServer(p.alice());
        Xmpp.pingServer(p.bob());
        Thread.sleep(200);
        assertTrue(bobSees.isEmpty(), "bob saw " + bobSees);
        assertTrue(aliceGot.isEmpty(), "alice got " + aliceGot);

        // Unblocking: bob sees her again, and she can write to him.
        onPhone.unblockContacts(List.of(p.bobAccount().bareJid()));
        RosterTest.await("the laptop gets the unblock push", () -> blockList(onLaptop).isEmpty());
        RosterTest.await("bob sees alice online again", () -> bobRoster.getPresence(p.aliceAccount().bareJid()).isAvailable());
        Inbox bobInbox = Inbox.of(p.bob());
        p.alice().sendStanza(Xmpp.chat(p.alice(), p.bobAccount().bareJid(), "back"));
        assertEquals("back", bobInbox.next(WAIT, "alice's message after the unblock").getBody());
    }

    @Test
    void theListIsKeptAcrossSignInsAndUnblockAllEmptiesIt() throws Exception {
        Account carol = server.newAccount("keeper");
        XMPPTCPConnection c = server.login(carol, "one");
        Jid domainWide = JidCreate.from("spam.example");
        Jid someone = JidCreate.from("someone@elsewhere.example/desk");
        BlockingCommandManager.getInstanceFor(c).blockContacts(List.of(domainWide, someone));
        c.disconnect();

        XMPPTCPConnection again = server.login(carol, "two");
        BlockingCommandManager manager = BlockingCommandManager.getInstanceFor(again);
        assertEquals(2, manager.getBlockList().size());
        assertTrue(manager.getBlockList().containsAll(List.of(domainWide, someone)));
        manager.unblockAll();
        again.disconnect();
        XMPPTCPConnection third = server.login(carol, "three");
        assertTrue(BlockingCommandManager.getInstanceFor(third).getBlockList().isEmpty());
    }

    @Test
    void aBlockWithoutItemsOrWithAnInvalidJidIsRefusedAndChangesNothing() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("badblock"));
        RawIq empty = new RawIq(IQ.Type.set, null, "block", "urn:xmpp:blocking", Map.of(), "");
        XMPPErrorException e = assertThrows(XMPPErrorException.class, () -> c.sendIqRequestAndWaitForResponse(empty));
        assertEquals(StanzaError.Condition.bad_request, e.getStanzaError().getCondition());
        RawIq malformed = new RawIq(IQ.Type.set, null, "block", "urn:xmpp:blocking", Map.of(), "<item jid='@@bad'/>");
        e = assertThrows(XMPPErrorException.class, () -> c.sendIqRequestAndWaitForResponse(malformed));
        assertEquals(StanzaError.Condition.jid_malformed, e.getStanzaError().getCondition());
        assertTrue(BlockingCommandManager.getInstanceFor(c).getBlockList().isEmpty());
    }
}
