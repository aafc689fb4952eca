package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.item;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.leave;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.presence;
import static org.parley.muc.internal.Service.statuses;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Several devices of one account in a room under one nickname: one occupant to the room, every device in the talk. */
class MultiDeviceTest {
    static final String ALICE = "alice@example.org/pc";
    static final String PHONE = "bob@example.org/phone";
    static final String LAPTOP = "bob@example.org/laptop";
    static final String MALLORY = "mallory@example.org/x";
    static final String ROOM = "lounge@" + Service.DOMAIN;

    private final Service service = new Service();

    /** Alice's room with Bob in it from his phone and then his laptop; returns what the laptop's join sent. */
    private List<Stanza> bobOnTwoDevices() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(message(ALICE, ROOM, "groupchat", "before bob"));
        service.send(join(PHONE, ROOM + "/Bob"));
        return service.send(join(LAPTOP, ROOM + "/Bob"));
    }

    private Room room() {
        return service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
    }

    @Test
    void aSecondDeviceJoinsTheOccupantAndOnlyItHearsOfIt() {
        List<Stanza> r = bobOnTwoDevices();
        assertEquals(r, to(r, LAPTOP), "nobody else hears of the second device: " + r);
        assertEquals(ROOM + "/Alice", r.get(0).from().toString(), "the device first hears who is there");
        Stanza self = r.get(1);
        assertEquals(ROOM + "/Bob", self.from().toString());
        assertEquals(List.of(110), statuses(self));
        assertEquals(LAPTOP, item(self).attribute("jid"), "the device sees itself");
        assertEquals("participant", item(self).attribute("role"));
        assertEquals("before bob", r.get(2).element().childText("body"), "the device gets the history");
        assertTrue(r.get(3).element().child("subject", Namespaces.CLIENT) != null);
        assertEquals(2, room().size(), "one occupant for Bob");
        assertEquals(List.of(JidCreate.entityFullFromOrThrowUnchecked(PHONE), JidCreate.entityFullFromOrThrowUnchecked(LAPTOP)),
                room().byNick("Bob").sessions());
    }

    @Test
    void groupchatAndPrivateMessagesReachEveryDevice() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(message(ALICE, ROOM, "groupchat", "hi bob"));
        assertEquals(List.of(ALICE, PHONE, LAPTOP), r.stream().map(s -> s.to().toString()).toList());

        r = service.send(message(LAPTOP, ROOM, "groupchat", "from my laptop"));
        assertEquals(List.of(ALICE, PHONE, LAPTOP), r.stream().map(s -> s.to().toString()).toList(),
                "the device that spoke and the other one both get the reflection");
        assertTrue(r.stream().allMatch(s -> s.from().toString().equals(ROOM + "/Bob")));

        r = service.send(message(ALICE, ROOM + "/Bob", "chat", "psst"));
        assertEquals(List.of(PHONE, LAPTOP), r.stream().map(s -> s.to().toString()).toList());
        assertTrue(r.stream().allMatch(s -> "psst".equals(s.element().childText("body"))));

        r = service.send(message(PHONE, ROOM + "/Alice", "chat", "back at you"));
        assertEquals(List.of(ALICE), r.stream().map(s -> s.to().toString()).toList());
        assertEquals(ROOM + "/Bob", r.get(0).from().toString());
    }

    @Test
    void oneOfTwoDevicesLeavesQuietlyAndTheLastOneLeavesTheRoom() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(leave(LAPTOP, ROOM + "/Bob"));
        assertEquals(1, r.size(), r.toString());
        assertEquals(LAPTOP, r.get(0).to().toString());
        assertEquals("unavailable", r.get(0).type());
        assertEquals(List.of(110), statuses(r.get(0)));
        assertEquals(List.of(ALICE, PHONE), service.send(message(ALICE, ROOM, "groupchat", "still there?")).stream()
                .map(s -> s.to().toString()).toList());

        r = service.send(leave(PHONE, ROOM + "/Bob"));
        assertEquals(List.of(ALICE, PHONE), r.stream().map(s -> s.to().toString()).toList());
        assertTrue(r.stream().allMatch(s -> "unavailable".equals(s.type())));
        assertEquals(1, room().size());
    }

    @Test
    void theFirstDeviceLeavingHandsThePrimaryToTheOther() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(leave(PHONE, ROOM + "/Bob"));
        assertEquals(List.of(PHONE), r.stream().map(s -> s.to().toString()).toList());
        List<Stanza> carol = to(service.send(join("carol@example.org/web", ROOM + "/Carol")), "carol@example.org/web");
        assertEquals(ROOM + "/Bob", carol.get(1).from().toString());
        List<Stanza> toAlice = service.send(message("carol@example.org/web", ROOM + "/Alice", "chat", "hi"));
        assertEquals(1, toAlice.size());
        Element list = to(service.send(iq(ALICE, ROOM, "get", Element.builder("query", Muc.ADMIN)
                .child(Element.builder("item", Muc.ADMIN).attribute("role", "participant").build()).build())), ALICE).get(0).payload();
        assertTrue(list.toString().contains(LAPTOP), "the occupant's real JID is now the laptop's: " + list);
    }

    @Test
    void anotherAccountGetsConflictForTheNickname() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(join(MALLORY, ROOM + "/Bob"));
        assertEquals(1, r.size());
        assertEquals(StanzaErrorCondition.CONFLICT, r.get(0).errorCondition());
        assertEquals(2, room().byNick("Bob").sessionCount());
    }

    @Test
    void aSecondDeviceStillNeedsThePassword() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.SECRET, "s3cret"), field(RoomForms.PASSWORD_PROTECTED, "1"))));
        Element withPassword = presence(PHONE, ROOM + "/Bob", Element.builder("x", Muc.MUC).textChild("password", "s3cret").build());
        service.send(withPassword);
        assertEquals(1, room().byNick("Bob").sessionCount());
        List<Stanza> r = service.send(join(LAPTOP, ROOM + "/Bob"));
        assertEquals(StanzaErrorCondition.NOT_AUTHORIZED, r.get(0).errorCondition());
        assertEquals(1, room().byNick("Bob").sessionCount());
    }

    @Test
    void aKickPutsOutEveryDevice() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", Element.builder("query", Muc.ADMIN)
                .child(Element.builder("item", Muc.ADMIN).attribute("nick", "Bob").attribute("role", "none").build()).build()));
        List<Stanza> kicked = r.stream().filter(s -> "unavailable".equals(s.type())).toList();
        assertEquals(List.of(ALICE, PHONE, LAPTOP), kicked.stream().map(s -> s.to().toString()).toList());
        assertTrue(statuses(to(kicked, LAPTOP).get(0)).containsAll(List.of(110, 307)));
        assertEquals(null, room().bySession(JidCreate.entityFullFromOrThrowUnchecked(LAPTOP)));
        assertEquals(1, room().size());
    }

    @Test
    void aNicknameChangeFromOneOfSeveralDevicesIsNotAcceptable() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(join(LAPTOP, ROOM + "/Robert"));
        assertEquals(1, r.size());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, r.get(0).errorCondition());
        assertEquals("Bob", room().bySession(JidCreate.entityFullFromOrThrowUnchecked(PHONE)).nick());
    }

    @Test
    void aPresenceChangeOfTheSecondDeviceIsOnlyConfirmedToIt() {
        bobOnTwoDevices();
        Element away = Element.builder("show", Namespaces.CLIENT).text("away").build();
        List<Stanza> r = service.send(presence(LAPTOP, ROOM + "/Bob", away));
        assertEquals(List.of(LAPTOP), r.stream().map(s -> s.to().toString()).toList());
        assertEquals("away", r.get(0).element().childText("show"));
        r = service.send(presence(PHONE, ROOM + "/Bob", Element.builder("show", Namespaces.CLIENT).text("dnd").build()));
        assertEquals(List.of(ALICE, PHONE, LAPTOP), r.stream().map(s -> s.to().toString()).toList(),
                "the primary device's presence is the occupant's");
    }

    @Test
    void aBouncedPresenceRemovesOnlyThatDevice() {
        bobOnTwoDevices();
        List<Stanza> r = service.send(presence(LAPTOP, ROOM + "/Bob").withAttribute("type", "error"));
        assertTrue(r.isEmpty(), r.toString());
        assertEquals(List.of(JidCreate.entityFullFromOrThrowUnchecked(PHONE)), room().byNick("Bob").sessions());
    }

    @Test
    void anIqFromTheSecondDeviceIsAnsweredToIt() {
        bobOnTwoDevices();
        Element version = Element.empty("query", "jabber:iq:version");
        List<Stanza> r = service.send(iq(LAPTOP, ROOM + "/Alice", "get", version));
        assertEquals(1, r.size());
        Stanza forwarded = r.get(0);
        assertEquals(ALICE, forwarded.to().toString());
        assertEquals(ROOM + "/Bob", forwarded.from().toString());
        Element answer = Element.builder("iq", Namespaces.CLIENT).attribute("from", ALICE).attribute("to", ROOM + "/Bob")
                .attribute("type", "result").attribute("id", forwarded.id()).child(version).build();
        r = service.send(answer);
        assertEquals(1, r.size());
        assertEquals(LAPTOP, r.get(0).to().toString(), "the answer goes to the device that asked");
        assertEquals("q1", r.get(0).id(), "with the id it asked with");

        r = service.send(iq(PHONE, ROOM + "/Alice", "get", version));
        Element phoneAnswer = answer.withAttribute("id", r.get(0).id());
        assertEquals(PHONE, service.send(phoneAnswer).get(0).to().toString());
    }

    @Test
    void bothDevicesAreHandedToTheSuccessor() {
        bobOnTwoDevices();
        Map<String, Object> snapshot = RoomSnapshots.snapshot(service.muc);
        HandoffTest.assertOnlyJdkAndApiValues(snapshot);
        Service after = new Service();
        assertEquals(2, RoomSnapshots.restore(after.muc, snapshot)[1]);
        List<Stanza> r = after.send(message(ALICE, ROOM, "groupchat", "after the upgrade"));
        assertEquals(List.of(ALICE, PHONE, LAPTOP), r.stream().map(s -> s.to().toString()).toList());
        assertEquals(List.of(LAPTOP), after.send(leave(LAPTOP, ROOM + "/Bob")).stream().map(s -> s.to().toString()).toList());
    }

    @Test
    void aPredecessorsSnapshotWithoutSessionsGivesOneSessionEach() {
        bobOnTwoDevices();
        Map<String, Object> snapshot = RoomSnapshots.snapshot(service.muc);
        // What a predecessor of format 1 wrote: occupants without "sessions".
        List<Object> rooms = new java.util.ArrayList<>();
        for (Object r : (List<?>) snapshot.get("rooms")) {
            Map<String, Object> room = new java.util.HashMap<>((Map<String, Object>) r);
            List<Object> occupants = new java.util.ArrayList<>();
            for (Object o : (List<?>) room.get("occupants")) {
                Map<String, Object> occupant = new java.util.HashMap<>((Map<String, Object>) o);
                occupant.remove("sessions");
                occupants.add(occupant);
            }
            room.put("occupants", occupants);
            rooms.add(room);
        }
        Service after = new Service();
        RoomSnapshots.restore(after.muc, Map.of("format", 1, "domain", Service.DOMAIN, "rooms", rooms));
        assertEquals(List.of(ALICE, PHONE), after.send(message(ALICE, ROOM, "groupchat", "x")).stream().map(s -> s.to().toString()).toList());
    }
}
