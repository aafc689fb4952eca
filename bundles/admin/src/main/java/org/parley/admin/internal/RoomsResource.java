package org.parley.admin.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.muc.RoomAdministration;

/** {@link RoomsApi} over the muc bundle's {@link RoomAdministration}; exists only while that service does. */
@Component(service = RoomsApi.class)
public final class RoomsResource implements RoomsApi {
    private final RoomAdministration rooms;

    @Activate
    public RoomsResource(@Reference RoomAdministration rooms) {
        this.rooms = rooms;
    }

    @Override
    public String domain() {
        return rooms.domain();
    }

    @Override
    public List<Map<String, Object>> rooms() {
        List<Map<String, Object>> result = new ArrayList<>();
        rooms.rooms().forEach(r -> result.add(view(r)));
        return result;
    }

    @Override
    public Optional<Map<String, Object>> room(String roomJid) {
        Optional<RoomAdministration.RoomSummary> room = rooms.room(roomJid);
        if (room.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> view = view(room.get());
        List<Map<String, Object>> occupants = new ArrayList<>();
        for (RoomAdministration.OccupantSummary o : rooms.occupants(roomJid).orElse(List.of())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nick", o.nick());
            m.put("jid", o.jid());
            m.put("role", o.role());
            m.put("affiliation", o.affiliation());
            occupants.add(m);
        }
        view.put("occupantList", occupants);
        return Optional.of(view);
    }

    @Override
    public boolean destroy(String roomJid, String reason) {
        return rooms.destroy(roomJid, reason);
    }

    private static Map<String, Object> view(RoomAdministration.RoomSummary r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jid", r.jid());
        m.put("name", r.name());
        m.put("description", r.description());
        m.put("persistent", r.persistent());
        m.put("public", r.publicRoom());
        m.put("membersOnly", r.membersOnly());
        m.put("moderated", r.moderated());
        m.put("passwordProtected", r.passwordProtected());
        m.put("locked", r.locked());
        m.put("occupants", r.occupants());
        return m;
    }
}
