package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting an account ends its sessions and takes what every bundle kept for it: it leaves its
 * contacts' rosters (even one that only asked to subscribe), and an account created again under
 * the same name starts with no roster, block list, stored data or offline messages.
 */
class AccountDeletionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void aDeletedAccountLeavesNothingBehind() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "gone");
        Account alice = p.aliceAccount();
        XMPPTCPConnection carol = server.login(server.newAccount("asker"), "desk");
        Roster carolRoster = Roster.getInstanceFor(carol);
        carolRoster.reloadAndWait();
        carolRoster.createItemAndRequestSubscription(alice.bareJid(), "Alice", null);
        Roster bobRoster = Roster.getInstanceFor(p.bob());
        RosterTest.await("carol's request is pending", () -> carolRoster.getEntry(alice.bareJid()) != null);

        // What alice keeps: a block list, private data, and an offline message.
        BlockingCommandManager.getInstanceFor(p.alice()).blockContacts(List.of(org.jxmpp.jid.impl.JidCreate.from("spam.example")));
        try (RawXmppClient wire = server.raw()) {
            wire.login(alice, "wire", server.sslContext());
            wire.send("<iq type='set' id='p1'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
                    + "<conference jid='x@conference.localhost' name='Secret room'/></storage></query></iq>");
            wire.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]p1['\"]"), WAIT);
        }
        org.jivesoftware.smackx.vcardtemp.packet.VCard card = new org.jivesoftware.smackx.vcardtemp.packet.VCard();
        card.setNickName("the old alice");
        org.jivesoftware.smackx.vcardtemp.VCardManager.getInstanceFor(p.alice()).saveVCard(card);
        // A room she owns, kept open by bob.
        org.jxmpp.jid.EntityBareJid room = MucTest.room("gone");
        MucTest.instantRoom(p.alice(), room, "alice");
        org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(p.bob()).getMultiUserChat(room).join(MucTest.nick("bob"));
        List<String> closed = new CopyOnWriteArrayList<>();
        p.alice().addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.add(e.toString());
            }
        });
        XMPPTCPConnection stranger = server.login(server.newAccount("writer"), "x");

        ParleyServer.CliResult r = server.cli("user", "delete", alice.jid());
        assertEquals(0, r.exitCode(), r.toString());
        RosterTest.await("alice's session ends", () -> !closed.isEmpty());
        assertTrue(closed.get(0).contains("not-authorized"), closed.toString());
        RosterTest.await("alice leaves bob's roster", () -> bobRoster.getEntry(alice.bareJid()) == null);
        RosterTest.await("and carol's", () -> carolRoster.getEntry(alice.bareJid()) == null);
        assertTrue(!bobRoster.getPresence(alice.bareJid()).isAvailable(), "bob no longer sees her online");

        // A message for the deleted account is not kept for whoever gets the name next.
        stranger.sendStanza(Xmpp.chat(stranger, alice.bareJid(), "for the old alice"));
        Xmpp.pingServer(stranger);

        // The same name again: a new account with nothing of the old one.
        assertEquals(0, server.cli("user", "add", alice.jid(), alice.password()).exitCode());
        XMPPTCPConnection again = server.login(server.smackConfig(alice, "new").setSendPresence(false).build());
        List<String> bodies = new CopyOnWriteArrayList<>();
        again.addSyncStanzaListener(s -> bodies.add(((org.jivesoftware.smack.packet.Message) s).getBody()),
                s -> s instanceof org.jivesoftware.smack.packet.Message m && m.getBody() != null);
        again.sendStanza(Xmpp.available(again, 0));
        Roster roster = Roster.getInstanceFor(again);
        roster.reloadAndWait();
        assertTrue(roster.getEntries().isEmpty(), "no roster: " + roster.getEntries());
        assertTrue(BlockingCommandManager.getInstanceFor(again).getBlockList().isEmpty(), "no block list");
        try (RawXmppClient wire = server.raw()) {
            wire.login(alice, "wire2", server.sslContext());
            wire.send("<iq type='get' id='p2'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>");
            String got = wire.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]p2['\"][\\s\\S]*?</iq>"), WAIT).group();
            assertTrue(!got.contains("Secret room"), "no stored data: " + got);
        }
        assertNull(org.jivesoftware.smackx.vcardtemp.VCardManager.getInstanceFor(again).loadVCard().getNickName(), "no vCard");
        org.jivesoftware.smackx.muc.MultiUserChat roomAgain = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(again)
                .getMultiUserChat(room);
        roomAgain.join(MucTest.nick("alice-again"));
        assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.forbidden, MucTest.condition(roomAgain::getConfigurationForm),
                "she no longer owns the room");
        Xmpp.pingServer(again);
        Thread.sleep(300);
        assertTrue(bodies.isEmpty(), "no offline messages of the old account: " + bodies);
        assertNull(bobRoster.getEntry(alice.bareJid()));
        assertTrue(bobRoster.getPresences(alice.bareJid()).stream().noneMatch(Presence::isAvailable));
    }

    /**
     * An account removed from its own session (XEP-0077 section 3.2, as Smack's AccountManager and the
     * Smack integration tests do it): the answer, then the stream error, then the closing stream tag
     * (RFC 6120 section 4.9.1.1) and the TCP close, so a client waiting for the closing tag is not
     * kept waiting.
     */
    @Test
    void removingTheAccountFromItsSessionEndsTheStreamWithAnErrorAndTheClosingTag() throws Exception {
        Account account = server.newAccount("selfremove");
        try (RawXmppClient wire = server.raw()) {
            wire.login(account, "wire", server.sslContext());
            wire.send("<iq type='set' id='rm1'><query xmlns='jabber:iq:register'><remove/></query></iq>");
            wire.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]rm1['\"][^>]*type=['\"]result['\"]|<iq\\b[^>]*type=['\"]result['\"][^>]*\\bid=['\"]rm1['\"]"),
                    WAIT);
            String error = wire.assertStreamErrorAndClose("not-authorized", WAIT);
            assertTrue(error.contains("your account was deleted"), error);
        }
    }
}
