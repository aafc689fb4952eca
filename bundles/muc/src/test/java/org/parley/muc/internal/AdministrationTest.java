package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.statuses;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Roles and affiliations (XEP-0045 sections 8 to 10): who may change what, and what occupants are told. */
class AdministrationTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "team@" + Service.DOMAIN;

    private final Service service = new Service();

    private static Element admin(Element... items) {
        Element.Builder q = Element.builder("query", Muc.ADMIN);
        for (Element i : items) {
            q.child(i);
        }
        return q.build();
    }

    private static Element item(Stanza s) {
        return Service.item(s);
    }

    private static Element item(String... attributes) {
        Element.Builder b = Element.builder("item", Muc.ADMIN);
        for (int i = 0; i < attributes.length; i += 2) {
            b.attribute(attributes[i], attributes[i + 1]);
        }
        return b.build();
    }

    private Room room() {
        return service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
    }

    private void threeInTheRoom() {
        service.instantRoom(ALICE, "team", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        service.send(join(CAROL, ROOM + "/Carol"));
    }

    @Test
    void aModeratorKicksAParticipantWith307AndReason() {
        threeInTheRoom();
        Element kick = Element.builder("item", Muc.ADMIN).attribute("nick", "Bob").attribute("role", "none")
                .textChild("reason", "off topic").build();
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", admin(kick)));
        Stanza toBob = to(r, BOB).get(0);
        assertEquals("unavailable", toBob.type());
        assertEquals(List.of(110, 307), statuses(toBob));
        assertEquals("off topic", item(toBob).childText("reason"));
        assertEquals("Alice", item(toBob).child("actor", Muc.USER).attribute("nick"));
        assertEquals(List.of(307), statuses(to(r, CAROL).get(0)));
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.type())));
        assertNull(room().byNick("Bob"));
    }

    @Test
    void aParticipantMayNotKickAndNobodyKicksTheOwner() {
        threeInTheRoom();
        assertEquals(StanzaErrorCondition.FORBIDDEN,
                service.send(iq(BOB, ROOM, "set", admin(item("nick", "Carol", "role", "none")))).get(0).errorCondition());
        room().affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org"), Affiliation.ADMIN);
        room().byNick("Bob").role(Role.MODERATOR);
        assertEquals(StanzaErrorCondition.NOT_ALLOWED,
                service.send(iq(BOB, ROOM, "set", admin(item("nick", "Alice", "role", "none")))).get(0).errorCondition());
        assertEquals(3, room().size());
    }

    @Test
    void aBanRemovesTheUserWith301AndKeepsThemOut() {
        threeInTheRoom();
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", admin(item("jid", "bob@example.org", "affiliation", "outcast"))));
        Stanza toBob = to(r, BOB).get(0);
        assertEquals(List.of(110, 301), statuses(toBob));
        assertEquals("outcast", item(toBob).attribute("affiliation"));
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(join("bob@example.org/other", ROOM + "/Bobby")).get(0).errorCondition());
        Element list = service.send(iq(ALICE, ROOM, "get", admin(item("affiliation", "outcast")))).get(0).payload();
        assertEquals("bob@example.org", list.elements().get(0).attribute("jid"));
    }

    @Test
    void affiliationChangesByNonOwnersAreForbiddenAndChangeNothing() {
        threeInTheRoom();
        List<Stanza> r = service.send(iq(BOB, ROOM, "set", admin(item("jid", "carol@example.org", "affiliation", "member"))));
        assertEquals(StanzaErrorCondition.FORBIDDEN, r.get(0).errorCondition());
        room().affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org"), Affiliation.ADMIN);
        assertEquals(StanzaErrorCondition.FORBIDDEN,
                service.send(iq(BOB, ROOM, "set", admin(item("jid", "carol@example.org", "affiliation", "owner")))).get(0).errorCondition(),
                "an admin does not make owners");
        // A request with one refused item applies none of its items.
        List<Stanza> mixed = service.send(iq(BOB, ROOM, "set", admin(item("jid", "carol@example.org", "affiliation", "member"),
                item("jid", "alice@example.org", "affiliation", "outcast"))));
        assertEquals(StanzaErrorCondition.FORBIDDEN, mixed.get(0).errorCondition());
        assertEquals(Affiliation.NONE, room().affiliation(JidCreate.bareFromOrThrowUnchecked("carol@example.org")));
        assertEquals(StanzaErrorCondition.FORBIDDEN,
                service.send(iq(CAROL, ROOM, "get", admin(item("affiliation", "member")))).get(0).errorCondition());
    }

    @Test
    void theLastOwnerCannotStepDown() {
        threeInTheRoom();
        assertEquals(StanzaErrorCondition.CONFLICT,
                service.send(iq(ALICE, ROOM, "set", admin(item("jid", "alice@example.org", "affiliation", "member")))).get(0).errorCondition());
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", admin(item("jid", "bob@example.org", "affiliation", "owner"),
                item("jid", "alice@example.org", "affiliation", "admin"))));
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.type())), r.toString());
        assertEquals(Affiliation.OWNER, room().affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org")));
        assertEquals("moderator", item(to(r, CAROL).get(0)).attribute("role"), "a new owner is a moderator");
    }

    @Test
    void voiceIsGrantedAndRevokedInAModeratedRoom() {
        service.instantRoom(ALICE, "team", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MODERATED, "1"))));
        service.send(join(BOB, ROOM + "/Bob"));
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(message(BOB, ROOM, "groupchat", "hi")).get(0).errorCondition());
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", admin(item("nick", "Bob", "role", "participant"))));
        assertEquals("participant", item(to(r, BOB).get(0)).attribute("role"));
        assertEquals(List.of(110), statuses(to(r, BOB).get(0)));
        assertEquals(2, service.send(message(BOB, ROOM, "groupchat", "thanks")).size());
        service.send(iq(ALICE, ROOM, "set", admin(item("nick", "Bob", "role", "visitor"))));
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(message(BOB, ROOM, "groupchat", "again")).get(0).errorCondition());
        Element visitors = service.send(iq(ALICE, ROOM, "get", admin(item("role", "visitor")))).get(0).payload();
        assertEquals("Bob", visitors.elements().get(0).attribute("nick"));
    }

    @Test
    void aMemberMadeNoneLeavesAMembersOnlyRoomWith321() {
        service.instantRoom(ALICE, "team", "Alice");
        service.send(iq(ALICE, ROOM, "set", admin(item("jid", "bob@example.org", "affiliation", "member"))));
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MEMBERS_ONLY, "1"))));
        service.send(join(BOB, ROOM + "/Bob"));
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", admin(item("jid", "bob@example.org", "affiliation", "none"))));
        assertEquals(List.of(110, 321), statuses(to(r, BOB).get(0)));
        assertNull(room().byNick("Bob"));
    }

    @Test
    void destroyingTheRoomPointsOccupantsToTheAlternateVenue() {
        threeInTheRoom();
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "1"))));
        Element destroy = Element.builder("query", Muc.OWNER).child(Element.builder("destroy", Muc.OWNER)
                .attribute("jid", "newteam@" + Service.DOMAIN).textChild("reason", "moved").build()).build();
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(iq(BOB, ROOM, "set", destroy)).get(0).errorCondition());
        List<Stanza> r = service.send(iq(ALICE, ROOM, "set", destroy));
        Stanza toCarol = to(r, CAROL).get(0);
        assertEquals("unavailable", toCarol.type());
        Element notice = toCarol.element().child("x", Muc.USER).child("destroy", Muc.USER);
        assertEquals("newteam@" + Service.DOMAIN, notice.attribute("jid"));
        assertEquals("moved", notice.childText("reason"));
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.type())));
        assertTrue(service.muc.rooms().isEmpty());
        assertTrue(service.store.rooms.isEmpty(), "a destroyed persistent room is forgotten");
    }

    @Test
    void affiliationChangesOfAPersistentRoomAreStored() {
        service.instantRoom(ALICE, "team", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "1"))));
        service.send(iq(ALICE, ROOM, "set", admin(item("jid", "bob@example.org", "affiliation", "member"))));
        assertEquals(Affiliation.MEMBER,
                service.store.all().get(0).affiliations().get(JidCreate.bareFromOrThrowUnchecked("bob@example.org")));
        assertFalse(service.store.all().get(0).affiliations().containsKey(JidCreate.bareFromOrThrowUnchecked("carol@example.org")));
    }
}
