package org.parley.muc.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms as a StateHandoff snapshot: every room with its configuration, lock, affiliations,
 * occupants (nickname, role, and each session with its presence), history and subject, in JDK values and api
 * elements only, so the successor bundle reads it with its own classes. Format 1; read
 * tolerantly: an unknown key is ignored, a room or occupant that does not parse is logged and
 * left out, a snapshot of another format is none.
 */
final class RoomSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(RoomSnapshots.class);
    static final int FORMAT = 1;

    private RoomSnapshots() {
    }

    static Map<String, Object> snapshot(MucService service) {
        List<Object> rooms = new ArrayList<>();
        for (Room room : service.allRooms()) {
            Map<String, Object> r = new HashMap<>();
            r.put("jid", room.jid().toString());
            r.put("locked", room.locked());
            r.put("idSecret", Base64.getEncoder().encodeToString(room.idSecret()));
            RoomConfig c = room.config();
            Map<String, Object> config = new HashMap<>();
            config.put("name", c.name());
            config.put("description", c.description());
            config.put("persistent", c.persistent());
            config.put("public", c.publicRoom());
            config.put("membersOnly", c.membersOnly());
            config.put("moderated", c.moderated());
            config.put("password", c.password());
            config.put("nonAnonymous", c.nonAnonymous());
            config.put("maxUsers", c.maxUsers());
            config.put("historyLength", c.historyLength());
            config.put("changeSubject", c.changeSubject());
            r.put("config", config);
            Map<String, String> affiliations = new HashMap<>();
            room.affiliations().forEach((jid, a) -> affiliations.put(jid.toString(), a.xmlName()));
            r.put("affiliations", affiliations);
            Map<String, String> nicks = new HashMap<>();
            room.registeredNicks().forEach((jid, nick) -> nicks.put(jid.toString(), nick));
            r.put("nicks", nicks);
            List<Object> occupants = new ArrayList<>();
            for (Occupant o : room.occupants()) {
                // "jid" and "presence" are the primary session's, as format 1 had them before occupants had several.
                List<Object> sessions = new ArrayList<>();
                o.sessionPresences().forEach((jid, presence) -> sessions.add(Map.of("jid", jid.toString(), "presence", List.copyOf(presence))));
                occupants.add(Map.of("jid", o.jid().toString(), "nick", o.nick(), "role", o.role().xmlName(),
                        "presence", List.copyOf(o.presence()), "sessions", sessions));
            }
            r.put("occupants", occupants);
            List<Object> history = new ArrayList<>();
            for (History.Entry e : room.history().entries()) {
                history.add(Map.of("message", e.message(), "at", e.at().toEpochMilli(), "chars", e.chars()));
            }
            r.put("history", history);
            if (room.subject() != null) {
                r.put("subject", room.subject());
            }
            rooms.add(r);
        }
        return Map.of("format", FORMAT, "domain", service.domain().toString(), "rooms", rooms);
    }

    /** Puts the snapshot's rooms into the service; returns how many rooms and occupants came back. */
    static int[] restore(MucService service, Map<String, Object> snapshot) {
        if (!(snapshot.get("format") instanceof Integer f) || f != FORMAT) {
            LOG.warn("The multi-user chat state handed over has format {}, not {}: rooms start empty", snapshot.get("format"), FORMAT);
            return new int[] {0, 0};
        }
        if (!service.domain().toString().equals(snapshot.get("domain"))) {
            LOG.warn("The multi-user chat state handed over is of {}, this service is {}: rooms start empty",
                    snapshot.get("domain"), service.domain());
            return new int[] {0, 0};
        }
        int rooms = 0;
        int occupants = 0;
        for (Object o : list(snapshot.get("rooms"))) {
            if (!(o instanceof Map<?, ?> r)) {
                continue;
            }
            try {
                Room room = room(service, r);
                service.rooms().put(room.jid(), room);
                rooms++;
                occupants += room.size();
            } catch (RuntimeException | XmppStringprepException e) {
                LOG.error("A room handed over could not be read and is left out: {}", r.get("jid"), e);
            }
        }
        return new int[] {rooms, occupants};
    }

    private static Room room(MucService service, Map<?, ?> r) throws XmppStringprepException {
        EntityBareJid jid = JidCreate.entityBareFrom((String) r.get("jid"));
        Map<?, ?> c = (Map<?, ?>) r.get("config");
        RoomConfig defaults = RoomConfig.defaults(service.settings());
        RoomConfig config = new RoomConfig(str(c.get("name"), defaults.name()), str(c.get("description"), defaults.description()),
                bool(c.get("persistent"), defaults.persistent()), bool(c.get("public"), defaults.publicRoom()),
                bool(c.get("membersOnly"), defaults.membersOnly()), bool(c.get("moderated"), defaults.moderated()),
                str(c.get("password"), defaults.password()), bool(c.get("nonAnonymous"), defaults.nonAnonymous()),
                integer(c.get("maxUsers"), defaults.maxUsers()), integer(c.get("historyLength"), defaults.historyLength()),
                bool(c.get("changeSubject"), defaults.changeSubject()));
        boolean locked = bool(r.get("locked"), false);
        Room room = r.get("idSecret") instanceof String secret ? new Room(jid, config, locked, Base64.getDecoder().decode(secret))
                : new Room(jid, config, locked);
        if (r.get("affiliations") instanceof Map<?, ?> affiliations) {
            for (Map.Entry<?, ?> e : affiliations.entrySet()) {
                Affiliation a = Affiliation.fromXmlName(String.valueOf(e.getValue()));
                if (a != null) {
                    BareJid user = JidCreate.bareFrom(String.valueOf(e.getKey()));
                    room.affiliation(user, a);
                }
            }
        }
        if (r.get("nicks") instanceof Map<?, ?> nicks) {
            for (Map.Entry<?, ?> e : nicks.entrySet()) {
                BareJid user = JidCreate.bareFrom(String.valueOf(e.getKey()));
                if (room.affiliation(user) != Affiliation.NONE && room.affiliation(user) != Affiliation.OUTCAST) {
                    room.register(user, String.valueOf(e.getValue()));
                }
            }
        }
        for (Object item : list(r.get("occupants"))) {
            Map<?, ?> o = (Map<?, ?>) item;
            EntityFullJid session = JidCreate.entityFullFrom((String) o.get("jid"));
            Role role = Role.fromXmlName(String.valueOf(o.get("role")));
            Occupant occupant = new Occupant(session, (String) o.get("nick"), role == null ? Role.PARTICIPANT : role, elements(o.get("presence")));
            // A predecessor from before several sessions per occupant has no "sessions": the one above is all.
            for (Object other : list(o.get("sessions"))) {
                if (other instanceof Map<?, ?> m && m.get("jid") instanceof String sessionJid) {
                    EntityFullJid more = JidCreate.entityFullFrom(sessionJid);
                    if (!more.equals(session) && more.asBareJid().equals(session.asBareJid())) {
                        occupant.addSession(more, elements(m.get("presence")));
                    }
                }
            }
            room.add(occupant);
        }
        for (Object item : list(r.get("history"))) {
            Map<?, ?> h = (Map<?, ?>) item;
            if (h.get("message") instanceof Element m && h.get("at") instanceof Long at) {
                room.history().add(new History.Entry(m, Instant.ofEpochMilli(at), integer(h.get("chars"), m.toString().length())));
            }
        }
        if (r.get("subject") instanceof Element subject) {
            room.subject(subject);
        }
        return room;
    }

    private static List<Element> elements(Object o) {
        List<Element> presence = new ArrayList<>();
        for (Object p : list(o)) {
            if (p instanceof Element e) {
                presence.add(e);
            }
        }
        return List.copyOf(presence);
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static String str(Object o, String fallback) {
        return o instanceof String s ? s : fallback;
    }

    private static boolean bool(Object o, boolean fallback) {
        return o instanceof Boolean b ? b : fallback;
    }

    private static int integer(Object o, int fallback) {
        return o instanceof Integer i ? i : fallback;
    }
}
