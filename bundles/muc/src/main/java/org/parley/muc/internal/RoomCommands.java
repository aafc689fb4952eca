package org.parley.muc.internal;

import java.util.List;
import java.util.StringJoiner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.muc.RoomAdministration;
import org.parley.muc.RoomAdministration.OccupantSummary;
import org.parley.muc.RoomAdministration.RoomSummary;

/**
 * Shell commands for operators, what the admin console's rooms page does: {@code room:list},
 * {@code room:occupants <room>}, {@code room:destroy <room> [reason]}; {@code bin/parley room list}
 * runs the first. A room is named by its JID or by its local part on the service's domain. Gogo
 * finds the methods by name; each returns the text to print or throws an exception whose message
 * is the error.
 */
@Component(service = Object.class, property = {"osgi.command.scope=room",
    "osgi.command.function=list", "osgi.command.function=occupants", "osgi.command.function=destroy"})
public final class RoomCommands {
    private final RoomAdministration rooms;

    @Activate
    public RoomCommands(@Reference RoomAdministration rooms) {
        this.rooms = rooms;
    }

    /** Every room, one a line: its JID, occupants, and what kind of room it is. */
    public String list() {
        List<RoomSummary> all = rooms.rooms();
        if (all.isEmpty()) {
            return "no rooms on " + rooms.domain();
        }
        StringJoiner out = new StringJoiner("\n");
        for (RoomSummary r : all) {
            out.add(r.jid() + "  " + r.occupants() + (r.occupants() == 1 ? " occupant" : " occupants") + "  " + kind(r)
                    + (r.name() == null || r.name().isEmpty() ? "" : "  \"" + r.name() + "\""));
        }
        return out.toString();
    }

    /** The occupants of a room: nick, real JID, role, affiliation. */
    public String occupants(String room) {
        String jid = jid(room);
        List<OccupantSummary> occupants = rooms.occupants(jid).orElseThrow(() -> new IllegalArgumentException("no room " + jid));
        if (occupants.isEmpty()) {
            return "nobody is in " + jid;
        }
        StringJoiner out = new StringJoiner("\n");
        occupants.forEach(o -> out.add(o.nick() + "  " + o.jid() + "  " + o.role() + "  " + o.affiliation()));
        return out.toString();
    }

    /** Destroys a room without a reason given to its occupants. */
    public String destroy(String room) {
        return destroy(room, null);
    }

    /** Destroys a room: its occupants leave with the reason, a persistent room is deleted. */
    public String destroy(String room, String reason) {
        String jid = jid(room);
        if (!rooms.destroy(jid, reason)) {
            throw new IllegalArgumentException("no room " + jid);
        }
        return "destroyed " + jid;
    }

    private String jid(String room) {
        if (room == null || room.isBlank()) {
            throw new IllegalArgumentException("name a room: its JID, or its name on " + rooms.domain());
        }
        return room.indexOf('@') >= 0 ? room : room + "@" + rooms.domain();
    }

    private static String kind(RoomSummary r) {
        StringJoiner k = new StringJoiner(", ");
        k.add(r.persistent() ? "persistent" : "temporary");
        k.add(r.publicRoom() ? "public" : "hidden");
        if (r.membersOnly()) {
            k.add("members-only");
        }
        if (r.moderated()) {
            k.add("moderated");
        }
        if (r.passwordProtected()) {
            k.add("password");
        }
        if (r.locked()) {
            k.add("locked (not configured yet)");
        }
        return k.toString();
    }
}
