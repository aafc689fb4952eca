package org.parley.muc.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Registering a nickname with a room (XEP-0045 section 7.10, jabber:iq:register with the
 * muc#register form) and discovering it (section 7.12, disco#info node x-roomuser-item). A
 * registered nickname belongs to its user in this room: others entering with it, or changing to
 * it, get conflict. Registering makes an unaffiliated user a member; in a members-only room only
 * those already affiliated register (others get registration-required), an outcast never does
 * (forbidden). Kept with the room's affiliations: stored for persistent rooms, handed over on an
 * upgrade, dropped when the user loses the affiliation.
 */
final class Registration {
    static final String REGISTER = "jabber:iq:register";
    static final String FORM_TYPE = Muc.MUC + "#register";
    static final String ROOMNICK = "muc#register_roomnick";
    static final String ROOMUSER_NODE = "x-roomuser-item";

    private final MucService service;

    Registration(MucService service) {
        this.service = service;
    }

    /** The x-roomuser-item answer: an identity named with the user's registered nickname, or none. */
    Element reservedNick(Room room, BareJid user) {
        Element.Builder q = Element.builder("query", Muc.DISCO_INFO).attribute("node", ROOMUSER_NODE);
        String nick = room.registeredNick(user);
        if (nick != null) {
            q.child(Element.builder("identity", Muc.DISCO_INFO).attribute("category", "conference").attribute("type", "text")
                    .attribute("name", nick).build());
        }
        return q.build();
    }

    void handle(Stanza s, Room room, Element q) {
        BareJid user = s.from().asBareJid();
        Affiliation affiliation = room.affiliation(user);
        if (affiliation == Affiliation.OUTCAST) {
            service.send(s.errorReply(StanzaErrorCondition.FORBIDDEN, "you are banned from this room"));
            return;
        }
        if (room.config().membersOnly() && affiliation == Affiliation.NONE) {
            service.send(s.errorReply(StanzaErrorCondition.REGISTRATION_REQUIRED,
                    "this room is for members only: an admin adds you to the member list"));
            return;
        }
        if ("get".equals(s.type())) {
            service.send(s.resultReply(formOrRegistration(room.registeredNick(user))));
            return;
        }
        if (q.child("remove", REGISTER) != null) {
            room.unregister(user);
            answer(s, room);
            return;
        }
        Element x = q.child("x", Muc.DATA);
        if (x == null || !"submit".equals(x.attribute("type"))) {
            service.send(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "submit the " + FORM_TYPE + " form"));
            return;
        }
        Map<String, String> fields = RoomRequests.fields(x);
        String formType = fields.get("FORM_TYPE");
        if (formType != null && !formType.equals(FORM_TYPE)) {
            service.send(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "the form is a " + FORM_TYPE + " form, not " + formType));
            return;
        }
        String nick = fields.getOrDefault(ROOMNICK, "").strip();
        if (nick.isEmpty()) {
            service.send(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "the form needs the nickname to register (" + ROOMNICK + ")"));
            return;
        }
        try {
            nick = Resourcepart.from(nick).toString();
        } catch (XmppStringprepException e) {
            service.send(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "'" + nick + "' cannot be a nickname: " + e.getMessage()));
            return;
        }
        BareJid holder = room.registrant(nick);
        Occupant using = room.byNick(nick);
        if (holder != null && !holder.equals(user) || using != null && !using.user().equals(user)) {
            service.send(s.errorReply(StanzaErrorCondition.CONFLICT, "the nickname " + nick
                    + (holder != null && !holder.equals(user) ? " is registered to another user" : " is in use") + " in this room"));
            return;
        }
        if (affiliation == Affiliation.NONE) {
            room.affiliation(user, Affiliation.MEMBER);
            for (Occupant o : List.copyOf(room.occupants())) {
                if (o.user().equals(user)) {
                    service.broadcastPresence(room, o, List.of()); // everyone sees the new member
                }
            }
        }
        room.register(user, nick);
        answer(s, room);
    }

    private void answer(Stanza s, Room room) {
        if (room.config().persistent()) {
            service.answerWhenStored(s, service.persist(room, true));
        } else {
            service.answerWhenStored(s, CompletableFuture.completedFuture(null));
        }
    }

    /** XEP-0077 with XEP-0045's form: what a user who has not registered fills in, or what they registered. */
    private static Element formOrRegistration(String registered) {
        Element.Builder q = Element.builder("query", REGISTER);
        if (registered != null) {
            return q.child(Element.empty("registered", REGISTER))
                    .child(Element.builder("username", REGISTER).text(registered).build()).build();
        }
        q.child(Element.builder("instructions", REGISTER).text("Choose the nickname to register with this room.").build());
        Element nickField = Element.builder("field", Muc.DATA).attribute("var", ROOMNICK).attribute("type", "text-single")
                .attribute("label", "Nickname").child(Element.empty("required", Muc.DATA)).build();
        return q.child(Element.builder("x", Muc.DATA).attribute("type", "form")
                .child(Element.builder("title", Muc.DATA).text("Register a nickname with this room").build())
                .child(Muc.field("FORM_TYPE", "hidden", null, FORM_TYPE))
                .child(nickField).build()).build();
    }
}
