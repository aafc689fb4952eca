package org.parley.muc.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The messages to a room that are requests rather than talk: mediated invitations and their
 * declines (XEP-0045 sections 7.8.2 and 7.8.3) and voice requests with the moderators' answers
 * (section 7.13).
 */
final class RoomRequests {
    static final String REQUEST = Muc.MUC + "#request";

    private final MucService service;

    RoomRequests(MucService service) {
        this.service = service;
    }

    /** True when the message is an invitation, a decline or a voice request form, which this class answers. */
    static boolean isRequest(Stanza s) {
        if ("groupchat".equals(s.type())) {
            return false;
        }
        Element x = s.element().child("x", Muc.USER);
        if (x != null && (x.child("invite", Muc.USER) != null || x.child("decline", Muc.USER) != null)) {
            return true;
        }
        Element form = s.element().child("x", Muc.DATA);
        return form != null && REQUEST.equals(fields(form).get("FORM_TYPE"));
    }

    void handle(Stanza s, Room room) {
        Element x = s.element().child("x", Muc.USER);
        if (x != null) {
            for (Element e : x.elements()) {
                if (e.is("invite", Muc.USER)) {
                    if (!invite(s, room, e)) {
                        return;
                    }
                } else if (e.is("decline", Muc.USER)) {
                    decline(s, room, e);
                }
            }
            return;
        }
        voice(s, room, fields(s.element().child("x", Muc.DATA)));
    }

    /** XEP-0045 section 7.8.2: the room tells the invitee who invites them, and adds them to a members-only room's members. */
    private boolean invite(Stanza s, Room room, Element invite) {
        Occupant inviter = room.bySession(s.from());
        if (inviter == null) {
            service.send(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "only occupants invite others to the room"));
            return false;
        }
        Jid invitee;
        try {
            invitee = JidCreate.from(invite.attribute("to") == null ? "" : invite.attribute("to"));
        } catch (XmppStringprepException | IllegalArgumentException e) {
            service.send(s.errorReply(StanzaErrorCondition.JID_MALFORMED, "an invitation names the invitee's JID in 'to'"));
            return false;
        }
        if (room.config().membersOnly()) {
            Affiliation a = room.affiliation(inviter.jid().asBareJid());
            if (a != Affiliation.OWNER && a != Affiliation.ADMIN) {
                service.send(s.errorReply(StanzaErrorCondition.FORBIDDEN, "only admins and owners invite to this members-only room"));
                return false;
            }
            if (room.affiliation(invitee.asBareJid()) == Affiliation.NONE) {
                room.affiliation(invitee.asBareJid(), Affiliation.MEMBER);
                if (room.config().persistent()) {
                    service.persist(room, true);
                }
            }
        }
        Element.Builder forwarded = Element.builder("invite", Muc.USER).attribute("from", inviter.jid().toString());
        String reason = invite.childText("reason");
        if (reason != null) {
            forwarded.child(Element.builder("reason", Muc.USER).text(reason).build());
        }
        Element.Builder userX = Element.builder("x", Muc.USER).child(forwarded.build());
        if (room.config().passwordProtected()) {
            userX.child(Element.builder("password", Muc.USER).text(room.config().password()).build());
        }
        Element.Builder m = Element.builder("message", Namespaces.CLIENT).attribute("from", room.jid().toString())
                .attribute("to", invitee.toString()).attribute("id", s.id()).child(userX.build())
                .child(Element.builder("body", Namespaces.CLIENT)
                        .text(inviter.jid().asBareJid() + " invites you to the room " + room.jid() + (reason == null ? "" : ": " + reason)).build());
        service.send(Stanza.create(m.build()));
        return true;
    }

    /** XEP-0045 section 7.8.3: the invitee's decline goes to the inviter, from the room. */
    private void decline(Stanza s, Room room, Element decline) {
        Jid inviter;
        try {
            inviter = JidCreate.from(decline.attribute("to") == null ? "" : decline.attribute("to"));
        } catch (XmppStringprepException | IllegalArgumentException e) {
            service.send(s.errorReply(StanzaErrorCondition.JID_MALFORMED, "a decline names the inviter's JID in 'to'"));
            return;
        }
        Element.Builder forwarded = Element.builder("decline", Muc.USER).attribute("from", s.from().asBareJid().toString());
        String reason = decline.childText("reason");
        if (reason != null) {
            forwarded.child(Element.builder("reason", Muc.USER).text(reason).build());
        }
        service.send(Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", room.jid().toString())
                .attribute("to", inviter.toString()).child(Element.builder("x", Muc.USER).child(forwarded.build()).build()).build()));
    }

    /** XEP-0045 section 7.13: a visitor asks for voice (the moderators get a form); a moderator's submitted form answers it. */
    private void voice(Stanza s, Room room, Map<String, String> form) {
        Occupant sender = room.bySession(s.from());
        if (sender == null) {
            service.send(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "only occupants ask for voice"));
            return;
        }
        if (form.containsKey("muc#request_allow")) {
            if (sender.role() != Role.MODERATOR) {
                service.send(s.errorReply(StanzaErrorCondition.FORBIDDEN, "only moderators answer voice requests"));
                return;
            }
            Occupant target = room.byNick(form.getOrDefault("muc#roomnick", ""));
            boolean allow = "1".equals(form.get("muc#request_allow")) || "true".equals(form.get("muc#request_allow"));
            if (allow && target != null && target.role() == Role.VISITOR) {
                target.role(Role.PARTICIPANT);
                service.broadcastPresence(room, target, List.of(Element.builder("actor", Muc.USER).attribute("nick", sender.nick()).build()));
            }
            return;
        }
        if (sender.role() != Role.VISITOR) {
            return; // it has voice already: nothing to ask
        }
        Element request = Element.builder("x", Muc.DATA).attribute("type", "form")
                .child(Element.builder("title", Muc.DATA).text("Voice request").build())
                .child(Element.builder("instructions", Muc.DATA).text("To give this occupant voice, check the box and submit.").build())
                .child(Muc.field("FORM_TYPE", "hidden", null, REQUEST))
                .child(Muc.field("muc#role", "list-single", "Requested role", "participant"))
                .child(Muc.field("muc#jid", "jid-single", "User ID", sender.jid().toString()))
                .child(Muc.field("muc#roomnick", "text-single", "Room nickname", sender.nick()))
                .child(Muc.field("muc#request_allow", "boolean", "Grant voice to this person?", "false"))
                .build();
        for (Occupant o : room.occupants()) {
            if (o.role() == Role.MODERATOR) {
                Room.messageTo(service::send, room.jid().toString(), o, null, s.id(), List.of(request));
            }
        }
    }

    /** The values of a data form's fields by var (the first value; empty for a field without one). */
    static Map<String, String> fields(Element form) {
        Map<String, String> values = new HashMap<>();
        for (Element f : form.elements()) {
            if (f.is("field", Muc.DATA) && f.attribute("var") != null) {
                Element v = f.child("value", Muc.DATA);
                values.put(f.attribute("var"), v == null ? "" : v.text().strip());
            }
        }
        return values;
    }
}
