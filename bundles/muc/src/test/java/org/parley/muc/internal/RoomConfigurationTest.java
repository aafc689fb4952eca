package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Reserved rooms: the muc#roomconfig form, what each setting enforces, and persistent rooms. */
class RoomConfigurationTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "staff@" + Service.DOMAIN;

    private final Service service = new Service();

    private void configure(Element... fields) {
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", submit(fields)));
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.type())), r.toString());
    }

    private Room room() {
        return service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
    }

    @Test
    void aReservedRoomTakesTheSubmittedConfiguration() {
        service.send(join(ALICE, ROOM + "/Alice"));
        configure(field("FORM_TYPE", Muc.ROOMCONFIG), field(RoomForms.NAME, "Staff"), field(RoomForms.DESCRIPTION, "Staff only"),
                field(RoomForms.MAX_USERS, "20"), field(RoomForms.HISTORY, "5"), field(RoomForms.CHANGE_SUBJECT, "1"));
        RoomConfig c = room().config();
        assertEquals("Staff", c.name());
        assertEquals("Staff only", c.description());
        assertEquals(20, c.maxUsers());
        assertEquals(5, c.historyLength());
        assertTrue(c.changeSubject());
        assertFalse(room().locked());
    }

    @Test
    void anUnknownOrMalformedFieldIsRefusedAndNothingChanges() {
        service.instantRoom(ALICE, "staff", "Alice");
        RoomConfig before = room().config();
        for (Element bad : List.of(field("muc#roomconfig_nosuch", "1"), field(RoomForms.MODERATED, "perhaps"),
                field(RoomForms.MAX_USERS, "100000"), field(RoomForms.HISTORY, "-1"), field(RoomForms.WHOIS, "everyone"),
                field("FORM_TYPE", "urn:other"), field(RoomForms.NAME, "x".repeat(2000)))) {
            List<Stanza> r = service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.NAME, "Changed"), bad)));
            assertEquals(StanzaErrorCondition.BAD_REQUEST, r.get(0).errorCondition(), bad.toString());
        }
        assertEquals(before, room().config());
        List<Stanza> noPassword = service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PASSWORD_PROTECTED, "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, noPassword.get(0).errorCondition());
    }

    @Test
    void aPasswordIsNeededToEnter() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.PASSWORD_PROTECTED, "1"), field(RoomForms.SECRET, "open sesame"));
        assertEquals(StanzaErrorCondition.NOT_AUTHORIZED, service.send(join(BOB, ROOM + "/Bob")).get(0).errorCondition());
        Element wrong = Element.builder("x", Muc.MUC).textChild("password", "guess").build();
        assertEquals(StanzaErrorCondition.NOT_AUTHORIZED, service.send(presence(BOB, ROOM + "/Bob", wrong)).get(0).errorCondition());
        Element right = Element.builder("x", Muc.MUC).textChild("password", "open sesame").build();
        List<Stanza> r = service.send(presence(BOB, ROOM + "/Bob", right));
        assertTrue(to(r, BOB).stream().anyMatch(s -> statuses(s).contains(110)));
        Element info = service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(MucServiceTest.features(info).contains("muc_passwordprotected"));
    }

    @Test
    void aMembersOnlyRoomRefusesNonMembers() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.MEMBERS_ONLY, "1"));
        assertEquals(StanzaErrorCondition.REGISTRATION_REQUIRED, service.send(join(BOB, ROOM + "/Bob")).get(0).errorCondition());
        room().affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org"), Affiliation.MEMBER);
        assertTrue(to(service.send(join(BOB, ROOM + "/Bob")), BOB).stream().anyMatch(s -> statuses(s).contains(110)));
    }

    @Test
    void inAModeratedRoomNewcomersAreVisitorsAndMayNotSpeak() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.MODERATED, "1"));
        List<Stanza> joined = to(service.send(join(BOB, ROOM + "/Bob")), BOB);
        assertEquals("visitor", item(joined.get(joined.size() - 2)).attribute("role"));
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(message(BOB, ROOM, "groupchat", "may I?")).get(0).errorCondition());
        assertEquals(2, service.send(message(ALICE, ROOM, "groupchat", "the moderator speaks")).size());
    }

    @Test
    void aHiddenRoomIsNotListedButStillDescribed() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.PUBLIC, "0"));
        Element items = service.send(iq(CAROL, Service.DOMAIN, "get", Element.empty("query", Muc.DISCO_ITEMS))).get(0).payload();
        assertTrue(items.elements().isEmpty());
        Element info = service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(MucServiceTest.features(info).contains("muc_hidden"));
        Element occupants = service.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_ITEMS))).get(0).payload();
        assertTrue(occupants.elements().isEmpty(), "a hidden room does not list its occupants to outsiders");
    }

    @Test
    void becomingNonAnonymousIsAnnouncedWith172AndShowsRealJids() {
        service.instantRoom(ALICE, "staff", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.WHOIS, "anyone"))));
        List<Stanza> toBob = to(r, BOB);
        assertEquals(List.of(104, 172), statuses(toBob.get(0)));
        List<Stanza> carol = to(service.send(join(CAROL, ROOM + "/Carol")), CAROL);
        assertEquals(ALICE, item(carol.get(0)).attribute("jid"), "everyone sees real JIDs now");
        Stanza self = carol.get(2);
        assertEquals(List.of(100, 110), statuses(self));
    }

    @Test
    void aFullRoomRefusesNewcomersButNotItsOwner() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.MAX_USERS, "10"));
        for (int i = 0; i < 9; i++) {
            service.send(join("user" + i + "@example.org/x", ROOM + "/u" + i));
        }
        assertEquals(StanzaErrorCondition.SERVICE_UNAVAILABLE, service.send(join(BOB, ROOM + "/Bob")).get(0).errorCondition());
        service.send(leave(ALICE, ROOM + "/Alice"));
        service.send(join("user9@example.org/x", ROOM + "/u9"));
        List<Stanza> owner = to(service.send(join(ALICE, ROOM + "/Alice")), ALICE);
        assertTrue(owner.stream().anyMatch(s -> statuses(s).contains(110)), "the owner enters a full room");
    }

    @Test
    void aPersistentRoomIsStoredOutlivesItsOccupantsAndComesBack() {
        service.instantRoom(ALICE, "staff", "Alice");
        configure(field(RoomForms.PERSISTENT, "1"), field(RoomForms.NAME, "Staff"));
        assertEquals(1, service.store.rooms.size());
        assertEquals(Affiliation.OWNER, service.store.all().get(0).affiliations().get(JidCreate.bareFromOrThrowUnchecked("alice@example.org")));
        service.send(message(ALICE, ROOM, "groupchat", "kept for later"));
        service.send(Element.builder("message", org.parley.api.stanza.Namespaces.CLIENT).attribute("from", ALICE).attribute("to", ROOM)
                .attribute("type", "groupchat").textChild("subject", "Staff matters").build());
        service.send(leave(ALICE, ROOM + "/Alice"));
        assertNotNull(room(), "an empty persistent room stays");

        Service restarted = new Service(MucSettings.DEFAULTS, service.store);
        restarted.muc.restore(service.store.all());
        List<Stanza> r = to(restarted.send(join(BOB, ROOM + "/Bob")), BOB);
        assertTrue(r.stream().anyMatch(s -> statuses(s).contains(110)), "the stored room is open: " + r);
        assertFalse(r.stream().anyMatch(s -> statuses(s).contains(201)), "and not created again");
        assertTrue(r.stream().anyMatch(s -> "kept for later".equals(s.element().childText("body"))), "its history came back: " + r);
        assertEquals("Staff matters", r.get(r.size() - 1).element().childText("subject"), "and its subject");
        Element info = restarted.send(iq(CAROL, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(MucServiceTest.features(info).contains("muc_persistent"));

        restarted.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "0"))));
        assertTrue(restarted.store.rooms.isEmpty(), "a room that is no longer persistent is forgotten");
    }
}
