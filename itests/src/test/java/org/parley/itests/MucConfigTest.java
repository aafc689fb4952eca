package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.MucTest.await;
import static org.parley.itests.MucTest.condition;
import static org.parley.itests.MucTest.nick;
import static org.parley.itests.MucTest.room;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.RoomInfo;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Reserved rooms configured with the muc#roomconfig form through Smack, what each setting
 * enforces on entry and in the room, and persistent rooms across a restart of the server.
 */
class MucConfigTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    interface Fill {
        void fill(FillableForm form);
    }

    /** Creates a reserved room: enter, fetch the form, fill it in, submit it. */
    static MultiUserChat reservedRoom(XMPPTCPConnection owner, EntityBareJid jid, Fill fill) throws Exception {
        MultiUserChat muc = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(jid);
        muc.create(nick("Owner"));
        FillableForm form = muc.getConfigurationForm().getFillableForm();
        fill.fill(form);
        muc.sendConfigurationForm(form);
        return muc;
    }

    @Test
    void aPasswordProtectedRoomWantsTheRightPassword() throws Exception {
        List<Account> accounts = server.newAccounts("pw", 2);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        XMPPTCPConnection guest = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("pw");
        reservedRoom(owner, jid, f -> {
            f.setAnswer("muc#roomconfig_passwordprotectedroom", true);
            f.setAnswer("muc#roomconfig_roomsecret", "open sesame");
            f.setAnswer("muc#roomconfig_roomname", "Secret club");
        });
        MultiUserChat guestRoom = MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(jid);
        assertEquals(StanzaError.Condition.not_authorized, condition(() -> guestRoom.join(nick("Guest"))));
        assertEquals(StanzaError.Condition.not_authorized, condition(() -> guestRoom.join(nick("Guest"), "guess")));
        guestRoom.join(nick("Guest"), "open sesame");
        assertTrue(guestRoom.isJoined());
        RoomInfo info = MultiUserChatManager.getInstanceFor(guest).getRoomInfo(jid);
        assertTrue(info.isPasswordProtected());
        assertEquals("Secret club", info.getName());
    }

    @Test
    void aMembersOnlyRoomRefusesOutsiders() throws Exception {
        List<Account> accounts = server.newAccounts("members", 2);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        XMPPTCPConnection outsider = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("members");
        MultiUserChat ownerRoom = reservedRoom(owner, jid, f -> f.setAnswer("muc#roomconfig_membersonly", true));
        assertEquals(StanzaError.Condition.registration_required,
                condition(() -> MultiUserChatManager.getInstanceFor(outsider).getMultiUserChat(jid).join(nick("Out"))));
        assertEquals(1, ownerRoom.getOccupantsCount());
        assertTrue(MultiUserChatManager.getInstanceFor(outsider).getRoomInfo(jid).isMembersOnly());
    }

    @Test
    void inAModeratedRoomAVisitorMayNotSpeak() throws Exception {
        List<Account> accounts = server.newAccounts("moderated", 2);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        XMPPTCPConnection visitor = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("moderated");
        MultiUserChat ownerRoom = reservedRoom(owner, jid, f -> f.setAnswer("muc#roomconfig_moderatedroom", true));
        List<Message> heard = MucTest.messages(ownerRoom);
        MultiUserChat visitorRoom = MultiUserChatManager.getInstanceFor(visitor).getMultiUserChat(jid);
        visitorRoom.join(nick("Visitor"));
        await("the owner sees the visitor", () -> ownerRoom.getOccupantsCount() == 2);
        assertEquals(MUCRole.visitor, ownerRoom.getOccupant(JidCreate.entityFullFrom(jid, nick("Visitor"))).getRole());
        List<Message> errors = new CopyOnWriteArrayList<>();
        visitor.addSyncStanzaListener(s -> errors.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.error);
        visitorRoom.sendMessage("may I speak?");
        await("the visitor was refused", () -> !errors.isEmpty());
        assertEquals(StanzaError.Condition.forbidden, errors.get(0).getError().getCondition());
        ownerRoom.sendMessage("the owner speaks");
        await("the owner's message came back", () -> heard.size() == 1);
        assertEquals("the owner speaks", heard.get(0).getBody(), "nothing of the visitor's reached the room");
    }

    @Test
    void aHiddenRoomIsNotListed() throws Exception {
        List<Account> accounts = server.newAccounts("hidden", 2);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        XMPPTCPConnection other = server.login(accounts.get(1), "pc");
        EntityBareJid hidden = room("hidden");
        EntityBareJid listed = room("listed");
        reservedRoom(owner, hidden, f -> f.setAnswer("muc#roomconfig_publicroom", false));
        reservedRoom(owner, listed, f -> f.setAnswer("muc#roomconfig_publicroom", true));
        DomainBareJid service = JidCreate.domainBareFrom(MucTest.SERVICE);
        var rooms = MultiUserChatManager.getInstanceFor(other).getRoomsHostedBy(service);
        assertTrue(rooms.containsKey(listed));
        assertFalse(rooms.containsKey(hidden));
        var info = org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(other).discoverInfo(hidden);
        assertTrue(info.containsFeature("muc_hidden"), "it still answers service discovery as a hidden room");
    }

    @Test
    void aMalformedFormIsRefusedAndTheRoomKeepsItsConfiguration() throws Exception {
        XMPPTCPConnection owner = server.login(server.newAccount("malformed"), "pc");
        EntityBareJid jid = room("malformed");
        MultiUserChat muc = reservedRoom(owner, jid, f -> f.setAnswer("muc#roomconfig_roomname", "Before"));
        FillableForm form = muc.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_roomname", "After");
        form.setAnswer("muc#maxhistoryfetch", "not a number");
        assertEquals(StanzaError.Condition.bad_request, condition(() -> muc.sendConfigurationForm(form)));
        assertEquals("Before", MultiUserChatManager.getInstanceFor(owner).getRoomInfo(jid).getName());
    }

    @Test
    void whoMayCreateRoomsIsConfiguredLiveAndABadListIsRefusedByKey() throws Exception {
        List<Account> accounts = server.newAccounts("policy", 2);
        XMPPTCPConnection allowed = server.login(accounts.get(0), "pc");
        XMPPTCPConnection other = server.login(accounts.get(1), "pc");
        java.nio.file.Path file = server.base().resolve("etc").resolve("org.parley.muc.cfg");
        String original = java.nio.file.Files.readString(file);
        try {
            long offset = server.logSize();
            rewrite(file, original.replaceAll("(?m)^roomCreators\\s*=.*$", "roomCreators = " + accounts.get(0).jid()));
            server.awaitLog(offset, "Multi-user chat settings applied", java.time.Duration.ofSeconds(15));
            EntityBareJid refused = room("policy");
            assertEquals(StanzaError.Condition.not_allowed,
                    condition(() -> MultiUserChatManager.getInstanceFor(other).getMultiUserChat(refused).create(nick("Other"))));
            MucTest.instantRoom(allowed, room("policy"), "Allowed");

            offset = server.logSize();
            rewrite(file, original.replaceAll("(?m)^roomCreators\\s*=.*$", "roomCreators = example.org"));
            server.awaitLog(offset, "roomCreators", java.time.Duration.ofSeconds(15));
            assertTrue(server.logSince(offset).contains("the previous one stays in force"), server.logSince(offset));
            assertEquals(StanzaError.Condition.not_allowed,
                    condition(() -> MultiUserChatManager.getInstanceFor(other).getMultiUserChat(room("policy")).create(nick("Other"))),
                    "the list in force before still applies");
        } finally {
            long offset = server.logSize();
            rewrite(file, original);
            server.awaitLog(offset, "Multi-user chat settings applied", java.time.Duration.ofSeconds(15));
        }
    }

    private static void rewrite(java.nio.file.Path file, String content) throws Exception {
        // Write beside it and move: FileInstall never reads a half-written file.
        java.nio.file.Path tmp = file.resolveSibling("muc.cfg.tmp");
        java.nio.file.Files.writeString(tmp, content);
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * XEP-0045 sections 7.10 and 7.12 with Smack: bob registers a nickname with a persistent room
     * and finds it again; nobody else enters with it or registers it (conflict), a members-only
     * room registers only its members (registration-required), and the registration is still
     * there after a restart.
     */
    @Test
    void aRegisteredNicknameIsReservedDiscoverableAndKept() throws Exception {
        List<Account> accounts = server.newAccounts("regnick", 3);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        XMPPTCPConnection carol = server.login(accounts.get(2), "pc");
        EntityBareJid jid = room("regnick");
        reservedRoom(alice, jid, f -> f.setAnswer("muc#roomconfig_persistentroom", true));
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        org.jivesoftware.smackx.xdata.form.Form form = bobRoom.getRegistrationForm();
        assertTrue(form.getField("muc#register_roomnick") != null, "the form asks for the nickname: " + form.getDataForm().toXML());
        FillableForm answer = form.getFillableForm();
        answer.setAnswer("muc#register_roomnick", "Bobby");
        bobRoom.sendRegistrationForm(answer);
        assertEquals("Bobby", bobRoom.getReservedNickname());

        MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(jid);
        assertEquals(null, carolRoom.getReservedNickname(), "carol registered nothing");
        assertEquals(StanzaError.Condition.conflict, condition(() -> carolRoom.join(nick("Bobby"))), "the nickname is bob's");
        FillableForm taken = carolRoom.getRegistrationForm().getFillableForm();
        taken.setAnswer("muc#register_roomnick", "Bobby");
        assertEquals(StanzaError.Condition.conflict, condition(() -> carolRoom.sendRegistrationForm(taken)));
        bobRoom.join(nick("Bobby"));
        assertEquals(org.jivesoftware.smackx.muc.MUCAffiliation.member,
                bobRoom.getOccupant(JidCreate.entityFullFrom(jid, nick("Bobby"))).getAffiliation(), "registering made bob a member");

        EntityBareJid closed = room("regclosed");
        reservedRoom(alice, closed, f -> f.setAnswer("muc#roomconfig_membersonly", true));
        assertEquals(StanzaError.Condition.registration_required,
                condition(() -> MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(closed).getRegistrationForm()),
                "a members-only room registers only its members");

        server.stop(java.time.Duration.ofSeconds(30));
        server.start();
        XMPPTCPConnection bobAgain = server.login(accounts.get(1), "again");
        XMPPTCPConnection carolAgain = server.login(accounts.get(2), "again");
        assertEquals("Bobby", MultiUserChatManager.getInstanceFor(bobAgain).getMultiUserChat(jid).getReservedNickname());
        assertEquals(StanzaError.Condition.conflict,
                condition(() -> MultiUserChatManager.getInstanceFor(carolAgain).getMultiUserChat(jid).join(nick("Bobby"))),
                "still bob's after a restart");
    }

    /**
     * A persistent room reflects a message only once its history row is stored: the server is
     * killed (no clean stop) the moment the last of 20 messages came back to its sender, and after
     * the restart a joiner gets all 20 in order.
     */
    @Test
    void whatTheRoomReflectedSurvivesACrash() throws Exception {
        List<Account> accounts = server.newAccounts("crash", 1);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        EntityBareJid jid = room("crash");
        MultiUserChat ownerRoom = reservedRoom(owner, jid, f -> f.setAnswer("muc#roomconfig_persistentroom", true));
        List<Message> echoed = MucTest.messages(ownerRoom);
        List<String> said = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            said.add("before the crash " + i);
            ownerRoom.sendMessage(said.get(i));
        }
        MucTest.await("the last message came back", () -> echoed.size() == 20);
        server.kill();

        server.start();
        XMPPTCPConnection ownerAgain = server.login(accounts.get(0), "again");
        MultiUserChat back = MultiUserChatManager.getInstanceFor(ownerAgain).getMultiUserChat(jid);
        List<Message> history = MucTest.messages(back);
        back.join(nick("Owner"));
        MucTest.await("the stored history came back", () -> history.size() == 20);
        assertEquals(said, history.stream().map(Message::getBody).toList(), "every message the room reflected, in order");
    }

    @Test
    void aPersistentRoomAndItsConfigurationSurviveARestart() throws Exception {
        List<Account> accounts = server.newAccounts("persist", 2);
        XMPPTCPConnection owner = server.login(accounts.get(0), "pc");
        EntityBareJid jid = room("persist");
        MultiUserChat ownerRoom = reservedRoom(owner, jid, f -> {
            f.setAnswer("muc#roomconfig_persistentroom", true);
            f.setAnswer("muc#roomconfig_roomname", "Kept");
            f.setAnswer("muc#roomconfig_membersonly", true);
        });
        List<Message> echoed = MucTest.messages(ownerRoom);
        ownerRoom.changeSubject("Kept subject");
        ownerRoom.sendMessage("kept message");
        MucTest.await("the message was reflected", () -> echoed.size() == 1);
        ownerRoom.leave();
        assertTrue(MultiUserChatManager.getInstanceFor(owner).getRoomInfo(jid).isPersistent(), "still there when empty");

        server.stop(java.time.Duration.ofSeconds(30));
        server.start();
        XMPPTCPConnection outsider = server.login(accounts.get(1), "pc");
        RoomInfo info = MultiUserChatManager.getInstanceFor(outsider).getRoomInfo(jid);
        assertEquals("Kept", info.getName());
        assertTrue(info.isPersistent() && info.isMembersOnly());
        assertEquals(StanzaError.Condition.registration_required,
                condition(() -> MultiUserChatManager.getInstanceFor(outsider).getMultiUserChat(jid).join(nick("Out"))));
        XMPPTCPConnection ownerAgain = server.login(accounts.get(0), "again");
        MultiUserChat back = MultiUserChatManager.getInstanceFor(ownerAgain).getMultiUserChat(jid);
        List<Message> history = MucTest.messages(back);
        back.join(nick("Owner"));
        MucTest.await("the stored history came back", () -> history.stream().anyMatch(m -> "kept message".equals(m.getBody())));
        MucTest.await("and the subject", () -> "Kept subject".equals(back.getSubject()));
        assertEquals(MUCRole.moderator, back.getOccupant(JidCreate.entityFullFrom(jid, nick("Owner"))).getRole(),
                "the owner is still the owner");
    }
}
