package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.privacy.PrivacyList;
import org.jivesoftware.smackx.privacy.PrivacyListListener;
import org.jivesoftware.smackx.privacy.PrivacyListManager;
import org.jivesoftware.smackx.privacy.packet.PrivacyItem;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.Jid;

/**
 * Privacy lists (XEP-0016) with Smack's PrivacyListManager, as Psi, Pidgin and older Gajim use
 * them: lists, active and default ones, pushes, allow and deny per stanza kind in item order, group
 * and subscription items, the block list as the default list's blocks, and the refusals.
 */
class PrivacyListsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static PrivacyItem jid(Jid jid, boolean allow, long order, String... kinds) {
        return filtered(new PrivacyItem(PrivacyItem.Type.jid, jid.toString(), allow, order), kinds);
    }

    private static PrivacyItem filtered(PrivacyItem item, String... kinds) {
        for (String k : kinds) {
            switch (k) {
                case "message" -> item.setFilterMessage(true);
                case "iq" -> item.setFilterIQ(true);
                case "presence-in" -> item.setFilterPresenceIn(true);
                case "presence-out" -> item.setFilterPresenceOut(true);
                default -> throw new IllegalArgumentException(k);
            }
        }
        return item;
    }

    /** The error a message got, or null when none came by the time a ping returned. */
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

    /** Messages with a body a connection receives. */
    private static List<Message> messages(XMPPTCPConnection c) {
        List<Message> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getType() != Message.Type.error && m.getBody() != null);
        return got;
    }

    private static StanzaError.Condition refusal(ThrowingRunnable r) {
        return assertThrows(XMPPErrorException.class, r::run).getStanzaError().getCondition();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void listsWithTheirActiveAndDefaultOnesArePushedToEveryResource() throws Exception {
        Account alice = server.newAccount("plist");
        XMPPTCPConnection phone = server.login(alice, "phone");
        assertTrue(ServiceDiscoveryManager.getInstanceFor(phone).serverSupportsFeature(PrivacyListManager.NAMESPACE));
        XMPPTCPConnection laptop = server.login(alice, "laptop");
        List<String> pushed = new CopyOnWriteArrayList<>();
        PrivacyListManager.getInstanceFor(laptop).addListener(new PrivacyListListener() {
            @Override
            public void setPrivacyList(String listName, List<PrivacyItem> listItem) {
            }

            @Override
            public void updatedPrivacyList(String listName) {
                pushed.add(listName);
            }
        });
        PrivacyListManager onPhone = PrivacyListManager.getInstanceFor(phone);
        Jid tybalt = org.jxmpp.jid.impl.JidCreate.from("tybalt@example.com");
        onPhone.createPrivacyList("public", List.of(jid(tybalt, false, 1), new PrivacyItem(true, 2)));
        onPhone.createPrivacyList("private", List.of(new PrivacyItem(PrivacyItem.Type.subscription, PrivacyItem.SUBSCRIPTION_BOTH, true, 10),
                new PrivacyItem(false, 15)));
        RosterTest.await("the laptop got both pushes", () -> pushed.containsAll(List.of("public", "private")));
        onPhone.setDefaultListName("public");
        onPhone.setActiveListName("private");

        PrivacyListManager onLaptop = PrivacyListManager.getInstanceFor(laptop);
        assertEquals("public", onLaptop.getDefaultListName());
        assertNull(onLaptop.getActiveListName(), "the phone's active list is the phone's");
        assertEquals("private", onPhone.getActiveListName());
        List<String> names = new ArrayList<>();
        for (PrivacyList l : onLaptop.getPrivacyLists()) {
            names.add(l.getName());
        }
        assertEquals(List.of("private", "public"), names.stream().sorted().toList());
        List<PrivacyItem> items = onLaptop.getPrivacyList("public").getItems();
        assertEquals(2, items.size());
        assertEquals(tybalt.toString(), items.get(0).getValue());
        assertTrue(items.get(0).isFilterEverything() && !items.get(0).isAllow());
        assertNull(items.get(1).getType(), "the fall-through item");

        onPhone.declineActiveList();
        assertNull(PrivacyListManager.getInstanceFor(server.login(alice, "third")).getActiveListName());
    }

    @Test
    void itemsDecideInTheirOrderPerStanzaKind() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "pkind");
        XMPPTCPConnection carol = server.login(server.newAccount("pkind-carol"), "desk");
        List<Message> aliceGot = messages(p.alice());
        PrivacyListManager privacy = PrivacyListManager.getInstanceFor(p.alice());
        // Order, not position: bob is allowed (5) before "deny everyone's messages" (10); carol is not.
        privacy.createPrivacyList("friends-only", List.of(filtered(new PrivacyItem(false, 10), "message"),
                jid(p.bobAccount().bareJid(), true, 5)));
        privacy.setDefaultListName("friends-only");
        Message fromCarol = errorFor(carol, Xmpp.chat(carol, p.aliceAccount().bareJid(), "hello from carol"));
        assertNotNull(fromCarol, "carol learns her message did not go through");
        assertEquals(StanzaError.Condition.service_unavailable, fromCarol.getError().getCondition());
        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.aliceAccount().bareJid(), "hello from bob")));
        RosterTest.await("bob's message arrived", () -> aliceGot.stream().anyMatch(m -> "hello from bob".equals(m.getBody())));
        assertTrue(aliceGot.stream().noneMatch(m -> "hello from carol".equals(m.getBody())));
        // Messages only: carol's request reaches alice's account.
        VCard ask = new VCard();
        ask.setTo(p.aliceAccount().bareJid());
        carol.sendIqRequestAndWaitForResponse(ask);

        // iq denied for carol; presence-in and presence-out denied for bob.
        privacy.updatePrivacyList("friends-only", List.of(filtered(new PrivacyItem(false, 10), "iq"),
                jid(p.bobAccount().bareJid(), false, 5, "presence-in", "presence-out")));
        VCard again = new VCard();
        again.setTo(p.aliceAccount().bareJid());
        assertEquals(StanzaError.Condition.service_unavailable, refusal(() -> carol.sendIqRequestAndWaitForResponse(again)));
        Roster bobRoster = Roster.getInstanceFor(p.bob());
        RosterTest.await("bob sees alice go offline (section 2.11)", () -> !bobRoster.getPresence(p.aliceAccount().bareJid()).isAvailable());
        List<Presence> aliceSeesBob = new CopyOnWriteArrayList<>();
        p.alice().addSyncStanzaListener(s -> aliceSeesBob.add((Presence) s), s -> s instanceof Presence pr
                && pr.getFrom().asBareJid().equals(p.bobAccount().bareJid()) && pr.getType() == Presence.Type.available);
        p.bob().sendStanza(p.bob().getStanzaFactory().buildPresenceStanza().setStatus("lunch").build());
        Xmpp.pingServer(p.bob());
        Xmpp.pingServer(p.alice());
        assertTrue(aliceSeesBob.isEmpty(), "presence-in from bob is denied: " + aliceSeesBob);
        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.aliceAccount().bareJid(), "still writing")), "messages from bob still pass");

        privacy.declineDefaultList();
        RosterTest.await("bob sees alice again", () -> bobRoster.getPresence(p.aliceAccount().bareJid()).isAvailable());
    }

    @Test
    void groupAndSubscriptionItemsFollowTheRoster() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "pgroup");
        XMPPTCPConnection carol = server.login(server.newAccount("pgroup-carol"), "desk");
        List<Message> aliceGot = messages(p.alice());
        Roster.getInstanceFor(p.alice()).createItem(p.bobAccount().bareJid(), "Bob", new String[] {"Enemies"});
        PrivacyListManager privacy = PrivacyListManager.getInstanceFor(p.alice());
        privacy.createPrivacyList("strict", List.of(filtered(new PrivacyItem(PrivacyItem.Type.group, "Enemies", false, 1), "message"),
                filtered(new PrivacyItem(PrivacyItem.Type.subscription, PrivacyItem.SUBSCRIPTION_NONE, false, 2), "message")));
        privacy.setActiveListName("strict");
        assertEquals(StanzaError.Condition.service_unavailable,
                errorFor(p.bob(), Xmpp.chat(p.bob(), p.alice().getUser(), "enemy")).getError().getCondition());
        assertEquals(StanzaError.Condition.service_unavailable,
                errorFor(carol, Xmpp.chat(carol, p.alice().getUser(), "stranger")).getError().getCondition(), "carol: subscription none");
        Roster.getInstanceFor(p.alice()).createItem(p.bobAccount().bareJid(), "Bob", new String[] {"Friends"});
        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.alice().getUser(), "friend again")), "the list follows the roster change");
        RosterTest.await("it arrived", () -> aliceGot.stream().anyMatch(m -> "friend again".equals(m.getBody())));
        assertTrue(aliceGot.stream().noneMatch(m -> "enemy".equals(m.getBody()) || "stranger".equals(m.getBody())));
    }

    @Test
    void anActiveListAppliesToItsResourceAndTheDefaultToTheOthers() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "pactive");
        XMPPTCPConnection laptop = server.login(p.aliceAccount(), "laptop");
        List<Message> phoneGot = messages(p.alice());
        List<Message> laptopGot = messages(laptop);
        PrivacyListManager onPhone = PrivacyListManager.getInstanceFor(p.alice());
        onPhone.createPrivacyList("no-bob", List.of(jid(p.bobAccount().bareJid(), false, 1, "message")));
        onPhone.createPrivacyList("open", List.of(new PrivacyItem(true, 1)));
        onPhone.setDefaultListName("no-bob");
        onPhone.setActiveListName("open");

        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.alice().getUser(), "to the phone")));
        Message toLaptop = errorFor(p.bob(), Xmpp.chat(p.bob(), laptop.getUser(), "to the laptop"));
        assertNotNull(toLaptop);
        assertEquals(StanzaError.Condition.service_unavailable, toLaptop.getError().getCondition());
        // To the bare JID, both at priority 0: the phone's list allows it, the laptop's default list withholds it.
        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.aliceAccount().bareJid(), "to alice")));
        RosterTest.await("the phone got both", () -> phoneGot.size() == 2);
        Xmpp.pingServer(laptop);
        assertTrue(laptopGot.isEmpty(), "the laptop got " + laptopGot);
        // Conflicts: the default applies to the laptop; the phone cannot change it or remove it under it.
        assertEquals(StanzaError.Condition.conflict, refusal(onPhone::declineDefaultList));
        assertEquals(StanzaError.Condition.conflict, refusal(() -> onPhone.deletePrivacyList("no-bob")));
        PrivacyListManager.getInstanceFor(laptop).setActiveListName("open");
        assertEquals(StanzaError.Condition.conflict, refusal(() -> onPhone.deletePrivacyList("open")), "active on the laptop");
        onPhone.declineDefaultList();
        onPhone.deletePrivacyList("no-bob");
    }

    @Test
    void aBlockIsSeenAsTheDefaultListsItemAndAPrivacyEditAsABlock() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "pblock");
        XMPPTCPConnection laptop = server.login(p.aliceAccount(), "laptop");
        Account carol = server.newAccount("pblock-carol");
        BlockingCommandManager onLaptop = BlockingCommandManager.getInstanceFor(laptop);
        assertTrue(onLaptop.getBlockList().isEmpty());
        BlockingCommandManager.getInstanceFor(p.alice()).blockContacts(List.of(p.bobAccount().bareJid()));
        PrivacyListManager privacy = PrivacyListManager.getInstanceFor(p.alice());
        PrivacyList list = privacy.getDefaultList();
        assertEquals("blocked", list.getName());
        assertEquals(1, list.getItems().size());
        assertEquals(p.bobAccount().bareJid().toString(), list.getItems().get(0).getValue());
        assertTrue(list.getItems().get(0).isFilterEverything() && !list.getItems().get(0).isAllow());

        privacy.updatePrivacyList("blocked", List.of(jid(carol.bareJid(), false, 1)));
        RosterTest.await("the block list client sees carol blocked and bob unblocked", () -> {
            try {
                return onLaptop.getBlockList().equals(List.of(carol.bareJid()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertNull(errorFor(p.bob(), Xmpp.chat(p.bob(), p.aliceAccount().bareJid(), "unblocked")));
        Message own = errorFor(p.alice(), Xmpp.chat(p.alice(), carol.bareJid(), "hi carol"));
        assertNotNull(own);
        assertEquals(StanzaError.Condition.not_acceptable, own.getError().getCondition());
        assertNotNull(own.getError().getExtension("blocked", "urn:xmpp:blocking:errors"));
    }

    @Test
    void badListsAndMissingOnesAreRefusedAndChangeNothing() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("pbad"), "one");
        PrivacyListManager privacy = PrivacyListManager.getInstanceFor(c);
        privacy.createPrivacyList("kept", List.of(new PrivacyItem(true, 1)));
        assertEquals(StanzaError.Condition.item_not_found, refusal(() -> privacy.getPrivacyList("The Empty Set")));
        assertEquals(StanzaError.Condition.item_not_found, refusal(() -> privacy.setActiveListName("The Empty Set")));
        assertEquals(StanzaError.Condition.item_not_found, refusal(() -> privacy.setDefaultListName("The Empty Set")));
        assertEquals(StanzaError.Condition.item_not_found, refusal(() -> privacy.deletePrivacyList("The Empty Set")));
        assertEquals(StanzaError.Condition.bad_request, refusal(() -> privacy.updatePrivacyList("kept",
                List.of(new PrivacyItem(true, 1), new PrivacyItem(PrivacyItem.Type.jid, "x@example.org", false, 1)))), "orders repeat");
        assertEquals(StanzaError.Condition.item_not_found, refusal(() -> privacy.updatePrivacyList("kept",
                List.of(new PrivacyItem(PrivacyItem.Type.group, "No Such Group", false, 1)))));
        List<PrivacyItem> tooMany = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            tooMany.add(new PrivacyItem(PrivacyItem.Type.jid, "u" + i + "@example.org", false, i));
        }
        assertEquals(StanzaError.Condition.not_acceptable, refusal(() -> privacy.updatePrivacyList("kept", tooMany)));
        RawIq raw = new RawIq(org.jivesoftware.smack.packet.IQ.Type.set, null, "query", PrivacyListManager.NAMESPACE, java.util.Map.of(),
                "<active name='kept'/><default name='kept'/>");
        assertEquals(StanzaError.Condition.bad_request, refusal(() -> c.sendIqRequestAndWaitForResponse(raw)), "one child per set");
        List<PrivacyItem> items = privacy.getPrivacyList("kept").getItems();
        assertEquals(1, items.size());
        assertTrue(items.get(0).isAllow());
    }
}
