package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MucEnterConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.ParticipantStatusListener;
import org.jivesoftware.smackx.muc.RoomInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * Multi-user chat (XEP-0045) with Smack's MultiUserChatManager over TLS against the real server:
 * rooms created the "accept defaults" way, joining, talking, nicknames, private messages,
 * history, discovery, leaving, and the refusals a client meets.
 */
class MucTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String SERVICE = "conference." + ParleyServer.DOMAIN;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    static EntityBareJid room(String hint) {
        return JidCreate.entityBareFromOrThrowUnchecked(ParleyServer.uniqueLocal(hint) + "@" + SERVICE);
    }

    static Resourcepart nick(String n) {
        return Resourcepart.fromOrThrowUnchecked(n);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Creates the room as Pidgin's "accept defaults" does: enter, get 201, submit the empty form. */
    static MultiUserChat instantRoom(XMPPTCPConnection owner, EntityBareJid jid, String nickname) throws Exception {
        MultiUserChat muc = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(jid);
        muc.create(nick(nickname)).makeInstant();
        return muc;
    }

    /** The groupchat messages with a body the occupant receives (not the subject the room sends on entering). */
    static List<Message> messages(MultiUserChat muc) {
        List<Message> got = new CopyOnWriteArrayList<>();
        muc.addMessageListener(m -> {
            if (m.getBody() != null) {
                got.add(m);
            }
        });
        return got;
    }

    /**
     * Returns when the client has been through every stanza it received before now. Smack 4.5 gives
     * a stanza to its listeners first and to the collectors only after all of them returned, so a
     * test that reacts to a listener (bob heard he was banned) and at once sends a request whose
     * collector matches that same stanza has its answer taken from the past: MultiUserChat.join()
     * then takes the ban's self-presence (status 110, from the room) for its entry and waits, with
     * no timeout, for an available self-presence that never comes. A ping's answer is read after
     * what came before it (one reader thread, one stanza at a time), so once it is back no earlier
     * stanza can reach a new collector.
     */
    static void settle(XMPPTCPConnection c) throws Exception {
        Xmpp.pingServer(c);
    }

    static StanzaError.Condition condition(Executable e) {
        XMPPErrorException error = assertThrows(XMPPErrorException.class, e::run);
        return error.getStanzaError().getCondition();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void occupantsTalkChangeNicknamesWhisperAndLeave() throws Exception {
        List<Account> accounts = server.newAccounts("talk", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "phone");
        EntityBareJid jid = room("talk");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        List<Message> aliceGot = messages(aliceRoom);
        List<String> left = new CopyOnWriteArrayList<>();
        List<String> renamed = new CopyOnWriteArrayList<>();
        aliceRoom.addParticipantStatusListener(new ParticipantStatusListener() {
            @Override
            public void left(EntityFullJid participant) {
                left.add(participant.getResourcepart().toString());
            }

            @Override
            public void nicknameChanged(EntityFullJid participant, Resourcepart newNickname) {
                renamed.add(participant.getResourcepart() + ">" + newNickname);
            }
        });

        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        List<Message> bobGot = messages(bobRoom);
        bobRoom.join(nick("Bob"));
        await("alice sees bob", () -> aliceRoom.getOccupantsCount() == 2);
        assertEquals(2, bobRoom.getOccupantsCount());
        assertEquals("moderator", aliceRoom.getOccupant(JidCreate.entityFullFrom(jid, nick("Alice"))).getRole().toString().toLowerCase());

        bobRoom.sendMessage("hello from bob");
        aliceRoom.sendMessage("hello from alice");
        await("both got both", () -> aliceGot.size() == 2 && bobGot.size() == 2);
        // Two senders race to the room; whatever order it took them in, everyone sees that one order.
        List<String> seenByAlice = aliceGot.stream().map(Message::getBody).toList();
        assertEquals(java.util.Set.of("hello from bob", "hello from alice"), java.util.Set.copyOf(seenByAlice));
        assertEquals(seenByAlice, bobGot.stream().map(Message::getBody).toList());
        Message fromBob = aliceGot.stream().filter(m -> "hello from bob".equals(m.getBody())).findFirst().orElseThrow();
        assertEquals(JidCreate.from(jid + "/Bob"), fromBob.getFrom());
        assertTrue(fromBob.hasExtension("occupant-id", "urn:xmpp:occupant-id:0"), "XEP-0421: " + fromBob.toXML());

        aliceRoom.changeSubject("Plans for Friday");
        await("bob sees the subject", () -> "Plans for Friday".equals(bobRoom.getSubject()));

        bobRoom.changeNickname(nick("Robert"));
        await("alice saw the nickname change", () -> renamed.contains("Bob>Robert"));
        assertEquals(nick("Robert"), bobRoom.getNickname());

        // A private message goes to the occupant's own session, from the sender's room JID.
        List<Message> whispers = new CopyOnWriteArrayList<>();
        alice.addSyncStanzaListener(s -> whispers.add((Message) s),
                s -> s instanceof Message m && m.getType() == Message.Type.chat && m.getFrom().equals(JidCreate.fromOrThrowUnchecked(jid + "/Robert")));
        bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat)
                .to(JidCreate.from(jid + "/Alice")).setBody("psst").build());
        await("alice got the whisper", () -> !whispers.isEmpty());
        assertEquals("psst", whispers.get(0).getBody());

        bobRoom.leave();
        await("alice saw robert leave", () -> left.contains("Robert"));
        assertEquals(1, aliceRoom.getOccupantsCount());
    }

    /**
     * Two devices of one user under one nickname (as Prosody and ejabberd allow): the second joins
     * the same occupant, both get the room's talk and the private messages, the others see one
     * occupant and no presence when the second device comes or goes, and another user still gets
     * conflict for the nickname.
     */
    @Test
    void twoDevicesOfOneUserAreOneOccupant() throws Exception {
        List<Account> accounts = server.newAccounts("devices", 3);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection phone = server.login(accounts.get(1), "phone");
        XMPPTCPConnection laptop = server.login(accounts.get(1), "laptop");
        XMPPTCPConnection carol = server.login(accounts.get(2), "pc");
        EntityBareJid jid = room("devices");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        List<Message> aliceGot = messages(aliceRoom);
        List<String> presences = new CopyOnWriteArrayList<>();
        alice.addSyncStanzaListener(s -> presences.add(((org.jivesoftware.smack.packet.Presence) s).getType() + ""),
                s -> s instanceof org.jivesoftware.smack.packet.Presence && s.getFrom().equals(JidCreate.fromOrThrowUnchecked(jid + "/Bob")));

        MultiUserChat phoneRoom = MultiUserChatManager.getInstanceFor(phone).getMultiUserChat(jid);
        MultiUserChat laptopRoom = MultiUserChatManager.getInstanceFor(laptop).getMultiUserChat(jid);
        List<Message> phoneGot = messages(phoneRoom);
        List<Message> laptopGot = messages(laptopRoom);
        phoneRoom.join(nick("Bob"));
        await("alice sees bob", () -> aliceRoom.getOccupantsCount() == 2);
        laptopRoom.join(nick("Bob"));
        assertEquals(2, laptopRoom.getOccupantsCount(), "the second device sees alice and itself");
        assertEquals(StanzaError.Condition.conflict,
                condition(() -> MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(jid).join(nick("Bob"))),
                "another user does not get the nickname");

        aliceRoom.sendMessage("hello bob");
        await("both devices got alice's message", () -> phoneGot.size() == 1 && laptopGot.size() == 1);
        laptopRoom.sendMessage("typed on the laptop");
        await("alice and the phone got the laptop's message", () -> aliceGot.size() == 2 && phoneGot.size() == 2);
        assertEquals(JidCreate.from(jid + "/Bob"), aliceGot.get(1).getFrom());

        List<Message> whispers = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection device : List.of(phone, laptop)) {
            device.addSyncStanzaListener(s -> whispers.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.chat
                    && m.getFrom().equals(JidCreate.fromOrThrowUnchecked(jid + "/Alice")));
        }
        alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat)
                .to(JidCreate.from(jid + "/Bob")).setBody("just for you").build());
        await("both devices got the private message", () -> whispers.size() == 2);
        assertEquals(java.util.Set.of(phone.getUser(), laptop.getUser()), java.util.Set.of(whispers.get(0).getTo(), whispers.get(1).getTo()));

        laptopRoom.leave();
        aliceRoom.sendMessage("still here?");
        await("the phone is still in the room", () -> phoneGot.size() == 3 && aliceGot.size() == 3);
        assertEquals(2, laptopGot.size(), "the laptop left");
        // Alice's own message came back after anything the room sent her before it: she heard of bob once, as he came.
        assertEquals(List.of("available"), presences);
        assertEquals(2, aliceRoom.getOccupantsCount());

        phoneRoom.leave();
        await("alice saw bob leave with his last device", () -> presences.equals(List.of("available", "unavailable")));
        assertEquals(1, aliceRoom.getOccupantsCount());
    }

    @Test
    void aLockedRoomATakenNicknameAndANonOccupantAreRefused() throws Exception {
        List<Account> accounts = server.newAccounts("refuse", 3);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        XMPPTCPConnection carol = server.login(accounts.get(2), "pc");
        EntityBareJid jid = room("refuse");
        MultiUserChat aliceRoom = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(jid);
        MultiUserChat.MucCreateConfigFormHandle handle = aliceRoom.create(nick("Alice"));
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        assertEquals(StanzaError.Condition.item_not_found, condition(() -> bobRoom.join(nick("Bob"))),
                "nobody enters before the owner accepts the configuration");
        handle.makeInstant();

        assertEquals(StanzaError.Condition.conflict, condition(() -> bobRoom.join(nick("Alice"))));
        bobRoom.join(nick("Bob"));
        // Bob's join returns when he has his own presence; alice learns of him a moment later.
        await("alice sees bob", () -> aliceRoom.getOccupantsCount() >= 2);
        Thread.sleep(200);
        assertEquals(2, aliceRoom.getOccupantsCount(), "the refused attempt left nothing behind");

        List<Message> errors = new CopyOnWriteArrayList<>();
        carol.addSyncStanzaListener(s -> errors.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.error);
        List<Message> aliceGot = messages(aliceRoom);
        carol.sendStanza(carol.getStanzaFactory().buildMessageStanza().ofType(Message.Type.groupchat).to(jid).setBody("let me in").build());
        await("carol's message was refused", () -> !errors.isEmpty());
        assertEquals(StanzaError.Condition.not_acceptable, errors.get(0).getError().getCondition());

        // Only moderators change the subject of a default room: Bob is a participant.
        assertEquals(StanzaError.Condition.forbidden, condition(() -> bobRoom.changeSubject("mine now")));
        // Only the owner gets the configuration form.
        assertEquals(StanzaError.Condition.forbidden, condition(bobRoom::getConfigurationForm));
        Thread.sleep(300);
        assertTrue(aliceGot.isEmpty(), "nothing refused reached the room: " + aliceGot);
    }

    @Test
    void joinersGetTheHistoryTheyAskForWithDelayStamps() throws Exception {
        List<Account> accounts = server.newAccounts("hist", 3);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        EntityBareJid jid = room("hist");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        List<Message> echo = messages(aliceRoom);
        for (int i = 0; i < 5; i++) {
            aliceRoom.sendMessage("m" + i);
        }
        await("alice's messages came back", () -> echo.size() == 5);

        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        List<Message> bobGot = messages(bobRoom);
        MucEnterConfiguration two = bobRoom.getEnterConfigurationBuilder(nick("Bob")).requestMaxStanzasHistory(2).build();
        bobRoom.join(two);
        await("bob got two", () -> bobGot.size() == 2);
        assertEquals(List.of("m3", "m4"), bobGot.stream().map(Message::getBody).toList());
        DelayInformation delay = bobGot.get(0).getExtension(DelayInformation.class);
        assertNotNull(delay, "history carries a delay stamp");
        assertEquals(jid.toString(), delay.getFrom());

        XMPPTCPConnection carol = server.login(accounts.get(2), "pc");
        MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(jid);
        List<Message> carolGot = messages(carolRoom);
        carolRoom.join(carolRoom.getEnterConfigurationBuilder(nick("Carol")).requestNoHistory().build());
        aliceRoom.sendMessage("after carol joined");
        await("carol got the live message", () -> !carolGot.isEmpty());
        assertEquals(List.of("after carol joined"), carolGot.stream().map(Message::getBody).toList());
    }

    @Test
    void theServiceAndItsRoomsAreDiscoverable() throws Exception {
        List<Account> accounts = server.newAccounts("disco", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("disco");
        instantRoom(alice, jid, "Alice");
        MultiUserChatManager bobs = MultiUserChatManager.getInstanceFor(bob);
        DomainBareJid service = JidCreate.domainBareFrom(SERVICE);
        assertTrue(bobs.providesMucService(service));
        assertEquals(List.of(service), bobs.getMucServiceDomains(), "the server lists the service among its items");
        assertTrue(bobs.getRoomsHostedBy(service).containsKey(jid), "the public room is listed");
        RoomInfo info = bobs.getRoomInfo(jid);
        assertEquals(1, info.getOccupantsCount());
        assertTrue(info.isPersistent() == false && info.isMembersOnly() == false && info.isPasswordProtected() == false);
        assertEquals(StanzaError.Condition.item_not_found,
                condition(() -> bobs.getRoomInfo(JidCreate.entityBareFrom("nosuchroom@" + SERVICE))));
    }

    @Test
    void anOccupantWhoseSessionEndsLeavesTheRoom() throws Exception {
        List<Account> accounts = server.newAccounts("gone", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("gone");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid).join(nick("Bob"));
        await("bob is in", () -> aliceRoom.getOccupantsCount() == 2);
        bob.disconnect();
        await("the room saw bob's session end", () -> aliceRoom.getOccupantsCount() == 1);
    }

    @Test
    void invitationsMediatedAndDirectReachTheInviteeAndADeclineTheInviter() throws Exception {
        List<Account> accounts = server.newAccounts("invite", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("invite");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        List<String> invitations = new CopyOnWriteArrayList<>();
        MultiUserChatManager.getInstanceFor(bob).addInvitationListener((conn, room, inviter, reason, password, message, invite) ->
                invitations.add(room.getRoom() + " from " + inviter.asBareJid() + ": " + reason));
        List<String> declines = new CopyOnWriteArrayList<>();
        aliceRoom.addInvitationRejectionListener((invitee, reason, message, decline) -> declines.add(invitee + ": " + reason));
        aliceRoom.invite(bob.getUser().asEntityBareJid(), "come and see");
        await("bob got the invitation", () -> invitations.contains(jid + " from " + alice.getUser().asBareJid() + ": come and see"));
        MultiUserChatManager.getInstanceFor(bob).decline(jid, alice.getUser().asEntityBareJid(), "not now");
        await("alice got the decline", () -> declines.contains(bob.getUser().asBareJid() + ": not now"));

        // XEP-0249: the invitation goes from client to client; the server passes it on untouched.
        List<Message> direct = new CopyOnWriteArrayList<>();
        bob.addSyncStanzaListener(st -> direct.add((Message) st),
                st -> st instanceof Message m && m.hasExtension("x", "jabber:x:conference"));
        aliceRoom.inviteDirectly(bob.getUser().asEntityBareJid());
        await("bob got the direct invitation", () -> !direct.isEmpty());
        assertEquals(alice.getUser(), direct.get(0).getFrom());
    }

    @Test
    void aVisitorsVoiceRequestReachesTheModerator() throws Exception {
        List<Account> accounts = server.newAccounts("askvoice", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "pc");
        XMPPTCPConnection bob = server.login(accounts.get(1), "pc");
        EntityBareJid jid = room("askvoice");
        MucConfigTest.reservedRoom(alice, jid, f -> f.setAnswer("muc#roomconfig_moderatedroom", true));
        List<Message> requests = new CopyOnWriteArrayList<>();
        alice.addSyncStanzaListener(st -> requests.add((Message) st),
                st -> st instanceof Message m && m.getFrom().equals(jid) && m.hasExtension("x", "jabber:x:data"));
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        bobRoom.join(nick("Bob"));
        bobRoom.requestVoice();
        await("the moderator got the request", () -> !requests.isEmpty());
        assertTrue(requests.get(0).toXML().toString().contains("muc#request"), requests.get(0).toXML().toString());
    }

    /** libpurple's way (Pidgin, Adium): enter, fetch the configuration form, submit it back empty. */
    @Test
    void aRawClientCreatesARoomTheLibpurpleWay() throws Exception {
        RawXmppClient c = server.rawLoggedIn();
        String jid = room("purple").toString();
        c.send("<presence to='" + jid + "/purple'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        c.await(Pattern.compile("<status code=['\"]201['\"]"), RawXmppClient.TIMEOUT);
        c.send("<iq type='get' id='cfg1' to='" + jid + "'><query xmlns='http://jabber.org/protocol/muc#owner'/></iq>");
        c.await(Pattern.compile("id=['\"]cfg1['\"][^>]*>.*muc#roomconfig_roomname", Pattern.DOTALL), RawXmppClient.TIMEOUT);
        c.send("<iq type='set' id='cfg2' to='" + jid + "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                + "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
        c.await(Pattern.compile("<iq[^>]*id=['\"]cfg2['\"][^>]*type=['\"]result['\"]|<iq[^>]*type=['\"]result['\"][^>]*id=['\"]cfg2['\"]"),
                RawXmppClient.TIMEOUT);
        c.send("<message type='groupchat' id='g1' to='" + jid + "'><body>first</body></message>");
        c.await(Pattern.compile("<message[^>]*>\\s*<body>first</body>"), RawXmppClient.TIMEOUT);
        c.send("<iq type='set' id='cfg3' to='" + jid + "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                + "<x xmlns='jabber:x:data' type='submit'><field var='muc#roomconfig_nosuchthing'><value>1</value></field></x></query></iq>");
        c.await(Pattern.compile("id=['\"]cfg3['\"].*bad-request", Pattern.DOTALL), RawXmppClient.TIMEOUT);
        assertFalse(c.received().contains("internal-server-error"), c.transcript());
    }

    /** Flood control with the shipped defaults: past a burst of 30 the sender is told to slow down and nobody gets the rest. */
    @Test
    void aFloodingOccupantIsSlowedDown() throws Exception {
        List<Account> accounts = server.newAccounts("flood", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0));
        XMPPTCPConnection bob = server.login(accounts.get(1));
        EntityBareJid jid = room("flood");
        MultiUserChat aliceRoom = instantRoom(alice, jid, "Alice");
        List<Message> aliceGets = messages(aliceRoom);
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
        bobRoom.join(nick("Bob"));
        List<StanzaError> bobErrors = new CopyOnWriteArrayList<>();
        bob.addSyncStanzaListener(s -> bobErrors.add(s.getError()), s -> s instanceof Message m && m.getType() == Message.Type.error);
        for (int i = 0; i < 40; i++) {
            bobRoom.sendMessage("flood " + i);
        }
        await("bob is told to slow down", () -> !bobErrors.isEmpty());
        assertEquals(StanzaError.Condition.resource_constraint, bobErrors.get(0).getCondition());
        Xmpp.pingServer(bob);
        Thread.sleep(300);
        assertTrue(aliceGets.size() >= 30 && aliceGets.size() < 40, "the burst and what the refill allowed: " + aliceGets.size());
    }

    /**
     * XEP-0359 and XEP-0425: every groupchat message carries the room's stanza id; a moderator
     * (here a raw client, as Smack has no moderation API) retracts a message by it; Smack
     * occupants get the retraction, and someone joining later gets a tombstone, not the text.
     */
    @Test
    void aModeratorRetractsAMessageByItsStanzaId() throws Exception {
        RawXmppClient moderator = server.rawLoggedIn();
        String jid = room("moderated").toString();
        moderator.send("<presence to='" + jid + "/mod'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        moderator.await(Pattern.compile("<status code=['\"]201['\"]"), RawXmppClient.TIMEOUT);
        moderator.send("<iq type='set' id='inst' to='" + jid + "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                + "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
        moderator.await(Pattern.compile("<iq[^>]*(id=['\"]inst['\"][^>]*type=['\"]result|type=['\"]result['\"][^>]*id=['\"]inst)"),
                RawXmppClient.TIMEOUT);

        List<Account> accounts = server.newAccounts("moderated", 2);
        XMPPTCPConnection bob = server.login(accounts.get(0));
        MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(JidCreate.entityBareFrom(jid));
        List<Message> bobGets = new CopyOnWriteArrayList<>();
        bobRoom.addMessageListener(bobGets::add);
        bobRoom.join(nick("Bob"));
        bobRoom.sendMessage("DM me for free potions");

        java.util.regex.MatchResult said = moderator.await(Pattern.compile("<message[^>]*>(?:(?!</message>).)*free potions(?:(?!</message>).)*</message>", Pattern.DOTALL),
                RawXmppClient.TIMEOUT);
        Matcher sid = Pattern.compile("<stanza-id\\b[^>]*\\bid=['\"]([^'\"]+)['\"]").matcher(said.group());
        assertTrue(sid.find(), "the room's stanza id: " + said.group());
        String id = sid.group(1);
        await("bob got his own message with the same id", () -> bobGets.stream().anyMatch(m -> id.equals(stanzaId(m, jid))));

        moderator.send("<iq type='set' id='mod1' to='" + jid + "'><moderate id='" + id + "' xmlns='urn:xmpp:message-moderate:1'>"
                + "<retract xmlns='urn:xmpp:message-retract:1'/><reason>spam</reason></moderate></iq>");
        moderator.await(Pattern.compile("<iq[^>]*(id=['\"]mod1['\"][^>]*type=['\"]result|type=['\"]result['\"][^>]*id=['\"]mod1)"),
                RawXmppClient.TIMEOUT);
        await("bob is told", () -> bobGets.stream().anyMatch(m -> m.getExtensionElement("retract", "urn:xmpp:message-retract:1") != null));

        XMPPTCPConnection carol = server.login(accounts.get(1));
        MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(JidCreate.entityBareFrom(jid));
        List<Message> carolGets = new CopyOnWriteArrayList<>();
        carolRoom.addMessageListener(carolGets::add);
        carolRoom.join(nick("Carol"));
        await("carol gets the history", () -> carolGets.stream().anyMatch(m -> id.equals(stanzaId(m, jid))));
        Message stone = carolGets.stream().filter(m -> id.equals(stanzaId(m, jid))).findFirst().orElseThrow();
        assertTrue(stone.getBody() == null && stone.getExtensionElement("retracted", "urn:xmpp:message-retract:1") != null,
                "a tombstone, not the text: " + stone.toXML());
    }

    private static String stanzaId(Message m, String by) {
        for (org.jivesoftware.smack.packet.XmlElement e : m.getExtensions()) {
            if ("stanza-id".equals(e.getElementName()) && "urn:xmpp:sid:0".equals(e.getNamespace())) {
                String xml = e.toXML().toString();
                if (xml.contains("by='" + by + "'") || xml.contains("by=\"" + by + "\"")) {
                    Matcher id = Pattern.compile("\\bid=['\"]([^'\"]+)['\"]").matcher(xml);
                    return id.find() ? id.group(1) : null;
                }
            }
        }
        return null;
    }
}
