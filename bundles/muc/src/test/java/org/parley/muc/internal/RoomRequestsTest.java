package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.item;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** Mediated invitations and declines, and voice requests (XEP-0045 sections 7.8 and 7.13). */
class RoomRequestsTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "club@" + Service.DOMAIN;

    private final Service service = new Service();

    private static Element userMessage(String from, Element child) {
        return Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", ROOM)
                .child(Element.builder("x", Muc.USER).child(child).build()).build();
    }

    private static Element invite(String to, String reason) {
        return Element.builder("invite", Muc.USER).attribute("to", to).textChild("reason", reason).build();
    }

    @Test
    void anOccupantsInvitationReachesTheInviteeFromTheRoom() {
        service.instantRoom(ALICE, "club", "Alice");
        List<Stanza> r = service.send(userMessage(ALICE, invite("bob@example.org", "join us")));
        assertEquals(1, r.size());
        Stanza m = r.get(0);
        assertEquals(ROOM, m.from().toString());
        assertEquals("bob@example.org", m.to().toString());
        Element forwarded = m.element().child("x", Muc.USER).child("invite", Muc.USER);
        assertEquals(ALICE, forwarded.attribute("from"));
        assertEquals("join us", forwarded.childText("reason"));
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE,
                service.send(userMessage(CAROL, invite("dave@example.org", "me too"))).get(0).errorCondition(),
                "a non-occupant does not invite");
    }

    @Test
    void anInvitationToAMembersOnlyRoomMakesTheInviteeAMemberAndCarriesThePassword() {
        service.instantRoom(ALICE, "club", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MEMBERS_ONLY, "1"), field(RoomForms.PASSWORD_PROTECTED, "1"),
                field(RoomForms.SECRET, "pw"))));
        Stanza m = service.send(userMessage(ALICE, invite("bob@example.org", "come"))).get(0);
        assertEquals("pw", m.element().child("x", Muc.USER).childText("password"));
        Room room = service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
        assertEquals(Affiliation.MEMBER, room.affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org")));
        Element withPassword = Element.builder("x", Muc.MUC).textChild("password", "pw").build();
        List<Stanza> joined = service.send(Service.presence(BOB, ROOM + "/Bob", withPassword));
        assertEquals("member", item(to(joined, BOB).get(to(joined, BOB).size() - 2)).attribute("affiliation"));
        assertEquals(StanzaErrorCondition.FORBIDDEN,
                service.send(userMessage(BOB, invite("carol@example.org", "bring a friend"))).get(0).errorCondition(),
                "a member does not invite to a members-only room");
    }

    @Test
    void aDeclineGoesBackToTheInviter() {
        service.instantRoom(ALICE, "club", "Alice");
        Element decline = Element.builder("decline", Muc.USER).attribute("to", ALICE).textChild("reason", "busy").build();
        Stanza m = service.send(userMessage(BOB, decline)).get(0);
        assertEquals(ALICE, m.to().toString());
        assertEquals("bob@example.org", m.element().child("x", Muc.USER).child("decline", Muc.USER).attribute("from"));
    }

    @Test
    void aVisitorsVoiceRequestGoesToModeratorsWhoseApprovalGivesVoice() {
        service.instantRoom(ALICE, "club", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MODERATED, "1"))));
        service.send(join(BOB, ROOM + "/Bob"));
        Element ask = Element.builder("message", Namespaces.CLIENT).attribute("from", BOB).attribute("to", ROOM)
                .child(Element.builder("x", Muc.DATA).attribute("type", "submit").child(field("FORM_TYPE", RoomRequests.REQUEST))
                        .child(field("muc#role", "participant")).build()).build();
        List<Stanza> r = service.send(ask);
        assertEquals(List.of(ALICE), r.stream().map(s -> s.to().toString()).toList(), "only moderators are asked");
        Element form = r.get(0).element().child("x", Muc.DATA);
        assertTrue(form.toString().contains("Bob"));

        Element approveByBob = Element.builder("message", Namespaces.CLIENT).attribute("from", BOB).attribute("to", ROOM)
                .child(Element.builder("x", Muc.DATA).attribute("type", "submit").child(field("FORM_TYPE", RoomRequests.REQUEST))
                        .child(field("muc#roomnick", "Bob")).child(field("muc#request_allow", "true")).build()).build();
        assertEquals(StanzaErrorCondition.FORBIDDEN, service.send(approveByBob).get(0).errorCondition());
        List<Stanza> approved = service.send(approveByBob.withAttribute("from", ALICE));
        assertEquals("participant", item(to(approved, BOB).get(0)).attribute("role"));
    }
}
