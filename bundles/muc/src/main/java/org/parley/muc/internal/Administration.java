package org.parley.muc.internal;

import java.util.ArrayList;
import java.util.List;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The muc#admin requests of XEP-0045 sections 8 and 9: role lists and changes by moderators (kick
 * 307, voice), affiliation lists and changes by admins and owners (member, admin, owner, ban
 * 301, removal from a members-only room 321). A request is checked whole before any of it is
 * applied, so a refused item leaves the room as it was.
 */
final class Administration {
    static final int BANNED = 301;
    static final int KICKED = 307;
    static final int REMOVED_NOT_MEMBER = 321;

    /** One checked change of a request. */
    private sealed interface Change permits RoleChange, AffiliationChange {
    }

    private record RoleChange(Occupant target, Role role, String reason) implements Change {
    }

    private record AffiliationChange(BareJid user, Affiliation affiliation, String reason) implements Change {
    }

    /** A refusal of the whole request. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final StanzaErrorCondition condition;

        Refused(StanzaErrorCondition condition, String text) {
            super(text, null, false, false);
            this.condition = condition;
        }
    }

    private final MucService service;

    Administration(MucService service) {
        this.service = service;
    }

    void handle(Stanza s, Room room, Element q) {
        Occupant actor = room.bySession(s.from());
        Affiliation actorAffiliation = room.affiliation(s.from().asBareJid());
        List<Element> items = q.elements().stream().filter(e -> e.is("item", Muc.ADMIN)).toList();
        if (items.isEmpty()) {
            service.send(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "expected at least one item"));
            return;
        }
        try {
            if ("get".equals(s.type())) {
                service.send(s.resultReply(list(room, actor, actorAffiliation, items.get(0))));
                return;
            }
            List<Change> changes = new ArrayList<>();
            for (Element item : items) {
                changes.add(check(room, actor, actorAffiliation, item, changes));
            }
            boolean affiliationsChanged = false;
            for (Change c : changes) {
                if (c instanceof RoleChange r) {
                    applyRole(room, actor, r);
                } else if (c instanceof AffiliationChange a) {
                    applyAffiliation(room, actor, a);
                    affiliationsChanged = true;
                }
            }
            if (affiliationsChanged && room.config().persistent()) {
                service.answerWhenStored(s, service.persist(room, true));
            } else {
                service.send(s.resultReply(null));
            }
        } catch (Refused r) {
            service.send(s.errorReply(r.condition, r.getMessage()));
        }
    }

    private Element list(Room room, Occupant actor, Affiliation actorAffiliation, Element item) throws Refused {
        Element.Builder q = Element.builder("query", Muc.ADMIN);
        String a = item.attribute("affiliation");
        String r = item.attribute("role");
        if (a != null) {
            Affiliation wanted = Affiliation.fromXmlName(a);
            if (wanted == null || wanted == Affiliation.NONE) {
                throw new Refused(StanzaErrorCondition.BAD_REQUEST, "no list of affiliation '" + a + "'");
            }
            if (actorAffiliation != Affiliation.OWNER && actorAffiliation != Affiliation.ADMIN) {
                throw new Refused(StanzaErrorCondition.FORBIDDEN, "only admins and owners see the affiliation lists");
            }
            room.affiliations().entrySet().stream().filter(e -> e.getValue() == wanted)
                    .sorted((x, y) -> x.getKey().toString().compareTo(y.getKey().toString()))
                    .forEach(e -> q.child(Element.builder("item", Muc.ADMIN).attribute("affiliation", wanted.xmlName())
                            .attribute("jid", e.getKey().toString()).build()));
        } else if (r != null) {
            Role wanted = Role.fromXmlName(r);
            if (wanted == null || wanted == Role.NONE) {
                throw new Refused(StanzaErrorCondition.BAD_REQUEST, "no list of role '" + r + "'");
            }
            if (actor == null || actor.role() != Role.MODERATOR) {
                throw new Refused(StanzaErrorCondition.FORBIDDEN, "only moderators see the role lists");
            }
            for (Occupant o : room.occupants()) {
                if (o.role() == wanted) {
                    q.child(Element.builder("item", Muc.ADMIN).attribute("affiliation", room.affiliation(o.jid().asBareJid()).xmlName())
                            .attribute("role", wanted.xmlName()).attribute("nick", o.nick()).attribute("jid", o.jid().toString()).build());
                }
            }
        } else {
            throw new Refused(StanzaErrorCondition.BAD_REQUEST, "an item names a role or an affiliation");
        }
        return q.build();
    }

    private Change check(Room room, Occupant actor, Affiliation actorAffiliation, Element item, List<Change> earlier) throws Refused {
        String reason = item.childText("reason");
        if (item.attribute("role") != null) {
            Role role = Role.fromXmlName(item.attribute("role"));
            if (role == null) {
                throw new Refused(StanzaErrorCondition.BAD_REQUEST, "unknown role '" + item.attribute("role") + "'");
            }
            if (actor == null || actor.role() != Role.MODERATOR) {
                throw new Refused(StanzaErrorCondition.FORBIDDEN, "only moderators change roles");
            }
            String nick = item.attribute("nick");
            Occupant target = nick == null ? null : room.byNick(nick);
            if (target == null) {
                throw new Refused(StanzaErrorCondition.ITEM_NOT_FOUND, nick == null ? "a role change names an occupant's nick"
                        : "no occupant is named " + nick);
            }
            Affiliation targetAffiliation = room.affiliation(target.jid().asBareJid());
            boolean actorIsAdmin = actorAffiliation == Affiliation.OWNER || actorAffiliation == Affiliation.ADMIN;
            if ((role == Role.MODERATOR || target.role() == Role.MODERATOR) && !actorIsAdmin) {
                throw new Refused(StanzaErrorCondition.NOT_ALLOWED, "only admins and owners grant or revoke moderation");
            }
            if (role != Role.MODERATOR && (targetAffiliation == Affiliation.OWNER || targetAffiliation == Affiliation.ADMIN)
                    && target != actor) {
                throw new Refused(StanzaErrorCondition.NOT_ALLOWED, "an admin or owner keeps their role");
            }
            return new RoleChange(target, role, reason);
        }
        if (item.attribute("affiliation") != null) {
            Affiliation affiliation = Affiliation.fromXmlName(item.attribute("affiliation"));
            if (affiliation == null) {
                throw new Refused(StanzaErrorCondition.BAD_REQUEST, "unknown affiliation '" + item.attribute("affiliation") + "'");
            }
            BareJid user = user(room, item);
            Affiliation current = room.affiliation(user);
            boolean privileged = affiliation == Affiliation.OWNER || affiliation == Affiliation.ADMIN
                    || current == Affiliation.OWNER || current == Affiliation.ADMIN;
            if (actorAffiliation != Affiliation.OWNER && (actorAffiliation != Affiliation.ADMIN || privileged)) {
                throw new Refused(StanzaErrorCondition.FORBIDDEN, actorAffiliation == Affiliation.ADMIN
                        ? "only owners change who is an admin or owner" : "only admins and owners change affiliations");
            }
            if (current == Affiliation.OWNER && affiliation != Affiliation.OWNER && ownersAfter(room, earlier, user) == 0) {
                throw new Refused(StanzaErrorCondition.CONFLICT, "the room keeps at least one owner");
            }
            return new AffiliationChange(user, affiliation, reason);
        }
        throw new Refused(StanzaErrorCondition.BAD_REQUEST, "an item names a role or an affiliation");
    }

    private static BareJid user(Room room, Element item) throws Refused {
        String jid = item.attribute("jid");
        if (jid != null) {
            try {
                Jid parsed = JidCreate.from(jid);
                return parsed.asBareJid();
            } catch (XmppStringprepException e) {
                throw new Refused(StanzaErrorCondition.JID_MALFORMED, "'" + jid + "' is not a JID");
            }
        }
        String nick = item.attribute("nick");
        Occupant o = nick == null ? null : room.byNick(nick);
        if (o == null) {
            throw new Refused(StanzaErrorCondition.BAD_REQUEST, "an affiliation change names a jid (or an occupant's nick)");
        }
        return o.jid().asBareJid();
    }

    /** The owners left if the earlier changes of the request and the demotion of {@code demoted} are applied. */
    private static long ownersAfter(Room room, List<Change> earlier, BareJid demoted) {
        java.util.Map<BareJid, Affiliation> after = new java.util.HashMap<>(room.affiliations());
        for (Change c : earlier) {
            if (c instanceof AffiliationChange a) {
                after.put(a.user(), a.affiliation());
            }
        }
        after.remove(demoted);
        return after.values().stream().filter(a -> a == Affiliation.OWNER).count();
    }

    private void applyRole(Room room, Occupant actor, RoleChange c) {
        if (c.role() == Role.NONE) {
            service.removeOccupant(room, c.target(), List.of(KICKED), details(actor, c.reason()));
            return;
        }
        c.target().role(c.role());
        service.broadcastPresence(room, c.target(), details(actor, c.reason()));
    }

    private void applyAffiliation(Room room, Occupant actor, AffiliationChange c) {
        room.affiliation(c.user(), c.affiliation());
        for (Occupant o : List.copyOf(room.occupants())) {
            if (!o.jid().asBareJid().equals(c.user())) {
                continue;
            }
            if (c.affiliation() == Affiliation.OUTCAST) {
                service.removeOccupant(room, o, List.of(BANNED), details(actor, c.reason()));
            } else if (c.affiliation() == Affiliation.NONE && room.config().membersOnly()) {
                service.removeOccupant(room, o, List.of(REMOVED_NOT_MEMBER), details(actor, c.reason()));
            } else {
                o.role(c.affiliation().defaultRole(room.config().moderated()));
                service.broadcastPresence(room, o, details(actor, c.reason()));
            }
        }
    }

    /** The actor and reason a kicked, banned or changed occupant is told of (XEP-0045 section 8.2). */
    private static List<Element> details(Occupant actor, String reason) {
        List<Element> children = new ArrayList<>();
        if (actor != null) {
            children.add(Element.builder("actor", Muc.USER).attribute("nick", actor.nick()).build());
        }
        if (reason != null) {
            children.add(Element.builder("reason", Muc.USER).text(reason).build());
        }
        return children;
    }
}
