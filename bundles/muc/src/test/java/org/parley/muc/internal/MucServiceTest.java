package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.item;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.leave;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.presence;
import static org.parley.muc.internal.Service.statuses;
import static org.parley.muc.internal.Service.to;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

class MucServiceTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "lounge@" + Service.DOMAIN;

    private final Service service = new Service();

    @Test
    void firstJoinCreatesALockedRoomWithTheCreatorAsOwner() {
        List<Stanza> r = service.send(join(ALICE, ROOM + "/Alice"));
        assertEquals(2, r.size(), r.toString());
        Stanza self = r.get(0);
        assertEquals(ROOM + "/Alice", self.from().toString());
        assertEquals(List.of(110, 201), statuses(self));
        assertEquals("owner", item(self).attribute("affiliation"));
        assertEquals("moderator", item(self).attribute("role"));
        assertNotNull(r.get(1).element().child("subject", Namespaces.CLIENT), "the (empty) subject ends the join");

        List<Stanza> refused = service.send(join(BOB, ROOM + "/Bob"));
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, refused.get(0).errorCondition(), "nobody else enters a locked room");
    }

    @Test
    void theOwnersEmptySubmitUnlocksTheRoomForOthers() {
        service.instantRoom(ALICE, "lounge", "Alice");
        List<Stanza> r = service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> toBob = to(r, BOB);
        assertEquals(ROOM + "/Alice", toBob.get(0).from().toString(), "the joiner first hears of who is there");
        assertNull(item(toBob.get(0)).attribute("jid"), "a semi-anonymous room hides real JIDs from participants");
        assertEquals(List.of(110), statuses(toBob.get(1)));
        assertEquals("participant", item(toBob.get(1)).attribute("role"));
        assertEquals("none", item(toBob.get(1)).attribute("affiliation"));
        List<Stanza> toAlice = to(r, ALICE);
        assertEquals(1, toAlice.size());
        assertEquals(BOB, item(toAlice.get(0)).attribute("jid"), "a moderator sees real JIDs");
    }

    @Test
    void cancellingTheFirstConfigurationDestroysTheRoom() {
        service.send(join(ALICE, ROOM + "/Alice"));
        Element cancel = Element.builder("query", Muc.OWNER).child(Element.builder("x", Muc.DATA).attribute("type", "cancel").build()).build();
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", cancel));
        assertTrue(r.stream().anyMatch(s -> "unavailable".equals(s.type())), r.toString());
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.type())));
        assertTrue(service.muc.rooms().isEmpty());
    }

    @Test
    void aTakenNicknameIsAConflictAndNothingChanges() {
        service.instantRoom(ALICE, "lounge", "Alice");
        List<Stanza> r = service.send(join(BOB, ROOM + "/Alice"));
        assertEquals(1, r.size());
        assertEquals(StanzaErrorCondition.CONFLICT, r.get(0).errorCondition());
        assertEquals(BOB, r.get(0).to().toString());
        assertEquals(1, service.muc.rooms().values().iterator().next().size());
    }

    @Test
    void nicknameChangeIsAnnouncedWith303ThenTheNewPresence() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(presence(BOB, ROOM + "/Robert"));
        List<Stanza> toAlice = to(r, ALICE);
        assertEquals("unavailable", toAlice.get(0).type());
        assertEquals(ROOM + "/Bob", toAlice.get(0).from().toString());
        assertEquals("Robert", item(toAlice.get(0)).attribute("nick"));
        assertEquals(List.of(303), statuses(toAlice.get(0)));
        assertEquals(ROOM + "/Robert", toAlice.get(1).from().toString());
        List<Stanza> toBob = to(r, BOB);
        assertEquals(List.of(303, 110), statuses(toBob.get(0)));
        assertEquals(List.of(110), statuses(toBob.get(1)));

        assertEquals(StanzaErrorCondition.CONFLICT, service.send(presence(BOB, ROOM + "/Alice")).get(0).errorCondition());
    }

    @Test
    void leavingIsAnnouncedAndTheLastOneOutClosesATemporaryRoom() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(leave(BOB, ROOM + "/Bob"));
        assertEquals("unavailable", to(r, ALICE).get(0).type());
        assertEquals("none", item(to(r, ALICE).get(0)).attribute("role"));
        assertEquals(List.of(110), statuses(to(r, BOB).get(0)));
        service.send(leave(ALICE, ROOM + "/Alice"));
        assertTrue(service.muc.rooms().isEmpty());
    }

    @Test
    void aBouncedPresenceRemovesTheOccupantWith333() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(presence(BOB, ROOM + "/Bob").withAttribute("type", "error"));
        assertEquals(1, r.size());
        assertEquals(List.of(333), statuses(r.get(0)));
        assertEquals(ALICE, r.get(0).to().toString());
    }

    @Test
    void groupchatGoesToEveryOccupantFromTheSendersRoomJid() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(message(BOB, ROOM, "groupchat", "hello"));
        assertEquals(2, r.size());
        for (Stanza s : r) {
            assertEquals(ROOM + "/Bob", s.from().toString());
            assertEquals("hello", s.element().childText("body"));
            assertEquals("m1", s.id(), "the sender recognises its own message by id");
        }
    }

    @Test
    void eachGroupchatMessageGetsTheRoomsStanzaId_andASendersForgeryIsDropped() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        Element forged = message(BOB, ROOM, "groupchat", "hello").toBuilder()
                .child(Element.builder("stanza-id", Muc.STANZA_ID).attribute("by", ROOM).attribute("id", "forged").build())
                .child(Element.builder("stanza-id", Muc.STANZA_ID).attribute("by", "elsewhere.example").attribute("id", "theirs").build())
                .build();
        List<Stanza> r = service.send(forged);
        String id = History.stanzaId(r.get(0).element(), ROOM);
        assertNotNull(id);
        assertTrue(!id.equals("forged"), "the room's own id, not the sender's");
        assertEquals(id, History.stanzaId(r.get(1).element(), ROOM), "the same id for every occupant");
        assertEquals("theirs", History.stanzaId(r.get(0).element(), "elsewhere.example"), "another entity's id passes");
        String next = History.stanzaId(service.send(message(BOB, ROOM, "groupchat", "again")).get(0).element(), ROOM);
        assertTrue(!next.equals(id), "each message its own");
        assertTrue(features(service.send(iq(BOB, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload())
                .containsAll(List.of(Muc.STANZA_ID, Muc.MODERATE)));
    }

    @Test
    void aModeratorRetractsAMessage_everyoneIsTold_andLaterJoinersGetATombstone() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        String id = History.stanzaId(service.send(message(BOB, ROOM, "groupchat", "DM me for free potions")).get(0).element(), ROOM);
        Element moderate = Element.builder("moderate", Muc.MODERATE).attribute("id", id).child(Element.empty("retract", Muc.RETRACT))
                .textChild("reason", "spam").build();

        Stanza refused = service.send(iq(BOB, ROOM, "set", moderate)).get(0);
        assertEquals(StanzaErrorCondition.FORBIDDEN, refused.errorCondition(), "bob is no moderator");
        Element unknown = Element.builder("moderate", Muc.MODERATE).attribute("id", "no-such-id").child(Element.empty("retract", Muc.RETRACT)).build();
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, service.send(iq(ALICE, ROOM, "set", unknown)).get(0).errorCondition());

        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", moderate));
        assertEquals("result", where(r, Stanza::isIq).get(0).type());
        List<Stanza> told = where(r, s -> !s.isIq());
        assertEquals(2, told.size(), "both occupants: " + told);
        for (Stanza t : told) {
            Element retract = t.element().child("retract", Muc.RETRACT);
            assertEquals(id, retract.attribute("id"));
            assertEquals(ROOM + "/Alice", retract.child("moderated", Muc.MODERATE).attribute("by"));
            assertEquals("spam", retract.childText("reason"));
            assertEquals(ROOM, t.from().toString());
        }

        List<Stanza> history = where(joinWith(CAROL, null), s -> s.element().child("delay", Muc.DELAY) != null);
        assertEquals(1, history.size(), history.toString());
        Element stone = history.get(0).element();
        assertNull(stone.childText("body"), "what was said is gone: " + stone);
        assertNotNull(stone.child("retracted", Muc.RETRACT), "a tombstone in its place");
        assertEquals(id, History.stanzaId(stone, ROOM), "under the same id");
        assertEquals(ROOM + "/Bob", stone.attribute("from"));
    }

    @Test
    void aNonOccupantMayNotSpeakOrWhisper() {
        service.instantRoom(ALICE, "lounge", "Alice");
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, service.send(message(BOB, ROOM, "groupchat", "hi")).get(0).errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, service.send(message(BOB, ROOM + "/Alice", "chat", "hi")).get(0).errorCondition());
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND,
                service.send(message(BOB, "nowhere@" + Service.DOMAIN, "groupchat", "hi")).get(0).errorCondition());
        assertEquals(StanzaErrorCondition.BAD_REQUEST, service.send(message(ALICE, ROOM, "chat", "hi")).get(0).errorCondition());
    }

    @Test
    void privateMessagesReachTheOccupantsRealJid() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(message(BOB, ROOM + "/Alice", "chat", "psst"));
        assertEquals(1, r.size());
        assertEquals(ALICE, r.get(0).to().toString());
        assertEquals(ROOM + "/Bob", r.get(0).from().toString());
        assertNotNull(r.get(0).element().child("x", Muc.USER));
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, service.send(message(BOB, ROOM + "/Nobody", "chat", "x")).get(0).errorCondition());
        assertEquals(StanzaErrorCondition.BAD_REQUEST, service.send(message(BOB, ROOM + "/Alice", "groupchat", "x")).get(0).errorCondition());
    }

    @Test
    void subjectIsForModeratorsAndGoesToLaterJoiners() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        Element subject = Element.builder("message", Namespaces.CLIENT).attribute("from", BOB).attribute("to", ROOM)
                .attribute("type", "groupchat").textChild("subject", "Bob's topic").build();
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(subject).get(0).errorCondition());
        List<Stanza> r = service.send(subject.withAttribute("from", ALICE).toBuilder().build());
        assertEquals(2, r.size());
        List<Stanza> joined = to(service.send(join(CAROL, ROOM + "/Carol")), CAROL);
        Stanza last = joined.get(joined.size() - 1);
        assertEquals("Bob's topic", last.element().childText("subject"));
        assertEquals(ROOM + "/Alice", last.from().toString());
    }

    @Test
    void historyOnJoinHonoursMaxstanzasMaxcharsSecondsAndSince() {
        service.instantRoom(ALICE, "lounge", "Alice");
        for (int i = 0; i < 5; i++) {
            service.send(message(ALICE, ROOM, "groupchat", "m" + i));
            service.tick(Duration.ofMinutes(1));
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), bodies(joinWith(BOB, null)));
        assertEquals(List.of("m3", "m4"), bodies(joinWith(CAROL, Element.builder("history", Muc.MUC).attribute("maxstanzas", "2").build())));
        assertEquals(List.of(), bodies(joinWith("dave@example.org/x", Element.builder("history", Muc.MUC).attribute("maxchars", "0").build())));
        assertEquals(List.of("m3", "m4"), bodies(joinWith("erin@example.org/x",
                Element.builder("history", Muc.MUC).attribute("seconds", "150").build())));
        assertEquals(List.of("m2", "m3", "m4"), bodies(joinWith("fred@example.org/x",
                Element.builder("history", Muc.MUC).attribute("since", "2026-11-29T10:01:30Z").build())));
        List<Stanza> bad = service.send(presence("gina@example.org/x", ROOM + "/gina",
                Element.builder("x", Muc.MUC).child(Element.builder("history", Muc.MUC).attribute("maxstanzas", "many").build()).build()));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, bad.get(0).errorCondition());
    }

    @Test
    void historyCarriesDelayStampsFromTheRoom() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(message(ALICE, ROOM, "groupchat", "early"));
        List<Stanza> h = where(joinWith(BOB, null), s -> s.element().childText("body") != null);
        Element delay = h.get(0).element().child("delay", Muc.DELAY);
        assertEquals(ROOM, delay.attribute("from"));
        assertEquals("2026-11-29T10:00:00Z", delay.attribute("stamp"));
    }

    @Test
    void discoListsPublicRoomsAndDescribesThem() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, "locked@" + Service.DOMAIN + "/Bob"));
        List<Stanza> items = service.send(iq(CAROL, Service.DOMAIN, "get", Element.empty("query", Muc.DISCO_ITEMS)));
        List<Element> listed = items.get(0).payload().elements();
        assertEquals(1, listed.size(), "a locked room is not listed");
        assertEquals(ROOM, listed.get(0).attribute("jid"));
        Element info = service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(features(info).containsAll(List.of(Muc.MUC, "muc_public", "muc_open", "muc_unmoderated", "muc_semianonymous",
                "muc_unsecured", "muc_temporary")), features(info).toString());
        Element form = info.child("x", Muc.DATA);
        assertEquals("1", fieldValue(form, "muc#roominfo_occupants"));
        assertEquals(Muc.ROOMINFO, fieldValue(form, "FORM_TYPE"));
        Element serviceInfo = service.send(iq(CAROL, Service.DOMAIN, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(features(serviceInfo).contains(Muc.MUC));
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND,
                service.send(iq(CAROL, "none@" + Service.DOMAIN, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).errorCondition());
        Element occupants = service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_ITEMS))).get(0).payload();
        assertEquals(ROOM + "/Alice", occupants.elements().get(0).attribute("jid"));
    }

    @Test
    void enteringWithoutANicknameIsJidMalformed() {
        assertEquals(StanzaErrorCondition.JID_MALFORMED, service.send(join(ALICE, ROOM)).get(0).errorCondition());
        assertTrue(service.muc.rooms().isEmpty());
    }

    @Test
    void iqBetweenOccupantsIsForwardedBothWaysAndSelfPingAnswered() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        Element version = Element.empty("query", "jabber:iq:version");
        List<Stanza> fwd = service.send(iq(BOB, ROOM + "/Alice", "get", version));
        assertEquals(ALICE, fwd.get(0).to().toString());
        assertEquals(ROOM + "/Bob", fwd.get(0).from().toString());
        Element result = Element.builder("iq", Namespaces.CLIENT).attribute("from", ALICE).attribute("to", ROOM + "/Bob")
                .attribute("type", "result").attribute("id", "q1").build();
        List<Stanza> back = service.send(result);
        assertEquals(BOB, back.get(0).to().toString());
        assertEquals(ROOM + "/Alice", back.get(0).from().toString());
        List<Stanza> ping = service.send(iq(BOB, ROOM + "/Bob", "get", Element.empty("ping", Muc.PING)));
        assertEquals("result", ping.get(0).type());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE,
                service.send(iq(CAROL, ROOM + "/Bob", "get", Element.empty("ping", Muc.PING))).get(0).errorCondition());
    }

    @Test
    void aNonOccupantsDiscoToAnOccupantIsABadRequestAndReachesNobody() {
        service.instantRoom(ALICE, "lounge", "Alice");
        for (String ns : List.of(Muc.DISCO_INFO, Muc.DISCO_ITEMS)) {
            List<Stanza> r = service.send(iq(CAROL, ROOM + "/Alice", "get", Element.empty("query", ns)));
            assertEquals(1, r.size(), r.toString());
            assertEquals(CAROL, r.get(0).to().toString());
            assertEquals(StanzaErrorCondition.BAD_REQUEST, r.get(0).errorCondition(), ns);
        }
    }

    @Test
    void aFullRoomRefusesWithServiceUnavailable() {
        Service small = new Service(new MucSettings("conference", "Rooms", 2, 20, 200, false));
        small.instantRoom(ALICE, "lounge", "Alice");
        small.send(join(BOB, ROOM + "/Bob"));
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, small.send(join(CAROL, ROOM + "/Carol")).get(0).errorCondition());
    }

    @Test
    void onlyTheOwnerConfigures() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        assertEquals(StanzaErrorCondition.FORBIDDEN,
                service.send(iq(BOB, ROOM, "get", Element.empty("query", Muc.OWNER))).get(0).errorCondition());
        Element form = service.send(iq(ALICE, ROOM, "get", Element.empty("query", Muc.OWNER))).get(0).payload().child("x", Muc.DATA);
        assertEquals(Muc.ROOMCONFIG, fieldValue(form, "FORM_TYPE"));
    }

    @Test
    void presenceUpdatesAreBroadcastWithTheOccupantsStatus() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(presence(BOB, ROOM + "/Bob", Element.builder("show", Namespaces.CLIENT).text("away").build()));
        assertEquals("away", to(r, ALICE).get(0).element().childText("show"));
        assertFalse(to(r, BOB).isEmpty());
    }

    private List<Stanza> joinWith(String user, Element history) {
        Element.Builder x = Element.builder("x", Muc.MUC);
        if (history != null) {
            x.child(history);
        }
        String nick = user.substring(0, user.indexOf('@'));
        return to(service.send(presence(user, ROOM + "/" + nick, x.build())), user);
    }

    private static List<String> bodies(List<Stanza> stanzas) {
        return stanzas.stream().map(s -> s.element().childText("body")).filter(b -> b != null).toList();
    }

    private static List<Stanza> where(List<Stanza> s, java.util.function.Predicate<Stanza> p) {
        return Service.where(s, p);
    }

    static List<String> features(Element info) {
        return info.elements().stream().filter(e -> e.name().equals("feature")).map(e -> e.attribute("var")).toList();
    }

    static String fieldValue(Element form, String var) {
        for (Element f : form.elements()) {
            if (var.equals(f.attribute("var"))) {
                Element v = f.child("value", Muc.DATA);
                return v == null ? null : v.text();
            }
        }
        return null;
    }
}
