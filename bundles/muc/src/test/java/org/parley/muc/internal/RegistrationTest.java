package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.item;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Nicknames registered with a room (XEP-0045 sections 7.10 and 7.12): reserved, discoverable, kept. */
class RegistrationTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "lounge@" + Service.DOMAIN;
    static final BareJid BOB_ACCOUNT = JidCreate.bareFromOrThrowUnchecked("bob@example.org");

    private final Service service = new Service();

    private static Element registration(Element... fields) {
        Element.Builder x = Element.builder("x", Muc.DATA).attribute("type", "submit")
                .child(field("FORM_TYPE", Registration.FORM_TYPE));
        for (Element f : fields) {
            x.child(f);
        }
        return Element.builder("query", Registration.REGISTER).child(x.build()).build();
    }

    private Stanza register(String from, String nick) {
        List<Stanza> r = service.send(iq(from, ROOM, "set", registration(field(Registration.ROOMNICK, nick))));
        return to(r, from).stream().filter(s -> s.kind() == Stanza.Kind.IQ).findFirst().orElseThrow();
    }

    private Room room() {
        return service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
    }

    private String reservedNick(String from) {
        Element q = service.send(iq(from, ROOM, "get", Element.builder("query", Muc.DISCO_INFO)
                .attribute("node", Registration.ROOMUSER_NODE).build())).get(0).payload();
        Element identity = q.child("identity", Muc.DISCO_INFO);
        return identity == null ? null : identity.attribute("name");
    }

    @Test
    void aUserGetsTheFormRegistersAndIsAMemberWithTheNickname() {
        service.instantRoom(ALICE, "lounge", "Alice");
        Element form = service.send(iq(BOB, ROOM, "get", Element.empty("query", Registration.REGISTER))).get(0).payload();
        Element x = form.child("x", Muc.DATA);
        assertEquals("form", x.attribute("type"));
        assertEquals(Registration.FORM_TYPE, RoomRequests.fields(x).get("FORM_TYPE"));
        assertTrue(RoomRequests.fields(x).containsKey(Registration.ROOMNICK));

        assertEquals("result", register(BOB, "Bobby").type());
        assertEquals(Affiliation.MEMBER, room().affiliation(BOB_ACCOUNT));
        Element again = service.send(iq(BOB, ROOM, "get", Element.empty("query", Registration.REGISTER))).get(0).payload();
        assertNotNull(again.child("registered", Registration.REGISTER));
        assertEquals("Bobby", again.childText("username"));
        assertEquals("Bobby", reservedNick(BOB), "x-roomuser-item names it");
        assertNull(reservedNick(CAROL), "no nickname for someone who registered none");
        assertTrue(MucServiceTest.features(service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload())
                .contains(Registration.REGISTER));
    }

    @Test
    void aRegisteredNicknameIsReservedForItsUser() {
        service.instantRoom(ALICE, "lounge", "Alice");
        register(BOB, "Bobby");
        List<Stanza> r = service.send(join(CAROL, ROOM + "/Bobby"));
        assertEquals(StanzaErrorCondition.CONFLICT, r.get(0).errorCondition());
        service.send(join(CAROL, ROOM + "/Carol"));
        r = service.send(join(CAROL, ROOM + "/Bobby"));
        assertEquals(StanzaErrorCondition.CONFLICT, r.get(0).errorCondition(), "nor may anyone change to it");
        r = service.send(join(BOB, ROOM + "/Bobby"));
        Stanza self = to(r, BOB).stream().filter(p -> Service.statuses(p).contains(110)).findFirst().orElseThrow();
        assertEquals("member", item(self).attribute("affiliation"), "bob enters with his registered nickname");
        assertEquals(3, room().size());
    }

    @Test
    void aTakenOrEmptyOrImpossibleNicknameIsRefusedAndNothingChanges() {
        service.instantRoom(ALICE, "lounge", "Alice");
        register(BOB, "Bobby");
        assertEquals(StanzaErrorCondition.CONFLICT, register(CAROL, "Bobby").errorCondition(), "registered by another");
        assertEquals(StanzaErrorCondition.CONFLICT, register(CAROL, "Alice").errorCondition(), "in use by another occupant");
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, register(CAROL, "  ").errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, register(CAROL, "a\u0000b").errorCondition());
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, service.send(iq(CAROL, ROOM, "set", registration())).get(0).errorCondition(),
                "no nickname field");
        assertEquals(StanzaErrorCondition.BAD_REQUEST,
                service.send(iq(CAROL, ROOM, "set", Element.empty("query", Registration.REGISTER))).get(0).errorCondition(), "no form");
        Element otherForm = Element.builder("query", Registration.REGISTER).child(Element.builder("x", Muc.DATA).attribute("type", "submit")
                .child(field("FORM_TYPE", Muc.ROOMCONFIG)).child(field(Registration.ROOMNICK, "Carol")).build()).build();
        assertEquals(StanzaErrorCondition.BAD_REQUEST, service.send(iq(CAROL, ROOM, "set", otherForm)).get(0).errorCondition());
        assertEquals(Affiliation.NONE, room().affiliation(JidCreate.bareFromOrThrowUnchecked("carol@example.org")));
        assertNull(room().registeredNick(JidCreate.bareFromOrThrowUnchecked("carol@example.org")));
    }

    @Test
    void aMembersOnlyRoomRegistersOnlyItsMembersAndNoOutcast() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MEMBERS_ONLY, "1"))));
        assertEquals(StanzaErrorCondition.REGISTRATION_REQUIRED, register(BOB, "Bobby").errorCondition());
        assertEquals(StanzaErrorCondition.REGISTRATION_REQUIRED,
                service.send(iq(BOB, ROOM, "get", Element.empty("query", Registration.REGISTER))).get(0).errorCondition());
        room().affiliation(BOB_ACCOUNT, Affiliation.MEMBER);
        assertEquals("result", register(BOB, "Bobby").type());
        room().affiliation(BOB_ACCOUNT, Affiliation.OUTCAST);
        assertNull(room().registeredNick(BOB_ACCOUNT), "a ban drops the registration");
        assertEquals(StanzaErrorCondition.FORBIDDEN, register(BOB, "Bobby").errorCondition());
    }

    @Test
    void aRegistrationIsRemovedOnRequest() {
        service.instantRoom(ALICE, "lounge", "Alice");
        register(BOB, "Bobby");
        Element remove = Element.builder("query", Registration.REGISTER).child(Element.empty("remove", Registration.REGISTER)).build();
        assertEquals("result", service.send(iq(BOB, ROOM, "set", remove)).get(0).type());
        assertNull(reservedNick(BOB));
        assertEquals("result", register(CAROL, "Bobby").type(), "the nickname is free again");
    }

    @Test
    void aPersistentRoomStoresTheRegistrationAndTheSuccessorKeepsIt() {
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "1"))));
        register(BOB, "Bobby");
        RoomStore.StoredRoom stored = service.store.rooms.get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
        assertEquals(Map.of(BOB_ACCOUNT, "Bobby"), stored.nicks());

        Service restarted = new Service(MucSettings.DEFAULTS, service.store);
        restarted.muc.restore(service.store.all());
        assertEquals(StanzaErrorCondition.CONFLICT, restarted.send(join(CAROL, ROOM + "/Bobby")).get(0).errorCondition());

        Map<String, Object> snapshot = RoomSnapshots.snapshot(service.muc);
        HandoffTest.assertOnlyJdkAndApiValues(snapshot);
        Service after = new Service();
        RoomSnapshots.restore(after.muc, snapshot);
        assertEquals(StanzaErrorCondition.CONFLICT, after.send(join(CAROL, ROOM + "/Bobby")).get(0).errorCondition());
    }
}
