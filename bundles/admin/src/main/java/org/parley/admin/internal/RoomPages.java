package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.confirmed;
import static org.parley.admin.internal.PageKit.csrf;
import static org.parley.admin.internal.PageKit.esc;
import static org.parley.admin.internal.PageKit.form;
import static org.parley.admin.internal.PageKit.getOnly;
import static org.parley.admin.internal.PageKit.postOnly;
import static org.parley.admin.internal.PageKit.url;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.parley.admin.internal.PageKit.Notice;

/**
 * The multi-user chat rooms: the list, one room's configuration and occupants, destroying it;
 * says so when there is no multi-user chat.
 */
final class RoomPages {
    private final AdminServlet api;
    private final PageKit kit;

    RoomPages(AdminServlet api, PageKit kit) {
        this.api = api;
        this.kit = kit;
    }

    void rooms(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        RoomsApi rooms;
        try {
            rooms = api.roomsApi();
        } catch (ApiException missing) {
            // A change that cannot be made is refused (and audited) like any other.
            Notice notice = method.equals("POST") ? kit.change(req, session, () -> {
                throw missing;
            }) : Notice.NONE;
            kit.page(resp, notice.status(), session, "Rooms", notice.html() + "<p class=\"notice\" id=\"rooms-missing\">Multi-user chat is "
                    + "not installed or not running on this server: its rooms are managed here when the <code>muc</code> bundle (the im "
                    + "feature) runs.</p>");
            return;
        }
        Notice notice = Notice.NONE;
        if (p.size() >= 2) {
            String jid = AdminServlet.roomJid(rooms, p.get(1));
            if (p.size() == 3 && p.get(2).equals("destroy")) {
                postOnly(method);
                Notice destroyed = kit.change(req, session, () -> {
                    confirmed(req, "destroying " + jid);
                    String reason = req.getParameter("reason");
                    if (!rooms.destroy(jid, reason == null || reason.isBlank() ? null : reason.strip())) {
                        throw ApiException.notFound("no room " + jid);
                    }
                    return "Destroyed " + jid + "; its occupants were told.";
                });
                if (destroyed.status() != 200) {
                    notice = destroyed;
                } else {
                    roomList(resp, session, rooms, destroyed);
                    return;
                }
            } else if (p.size() != 2) {
                throw ApiException.notFound("no page " + req.getRequestURI());
            } else {
                getOnly(method);
            }
            room(resp, session, rooms, jid, notice);
            return;
        }
        getOnly(method);
        roomList(resp, session, rooms, notice);
    }

    private void roomList(HttpServletResponse resp, WebSessions.WebSession session, RoomsApi rooms, Notice notice) throws IOException {
        StringBuilder body = new StringBuilder(notice.html());
        List<Map<String, Object>> list = rooms.rooms();
        body.append("<p>").append(list.size()).append(" room(s) on ").append(esc(rooms.domain())).append("</p>");
        body.append("<table id=\"rooms\"><tr><th>Room</th><th>Name</th><th>Occupants</th><th>Kind</th></tr>");
        for (Map<String, Object> r : list) {
            body.append("<tr><td><a href=\"/console/rooms/").append(url(r.get("jid"))).append("\">").append(esc(r.get("jid")))
                    .append("</a></td><td>").append(esc(r.get("name"))).append("</td><td>").append(esc(r.get("occupants")))
                    .append("</td><td>").append(esc(kind(r))).append("</td></tr>");
        }
        body.append("</table>");
        kit.page(resp, notice.status(), session, "Rooms", body.toString());
    }

    private void room(HttpServletResponse resp, WebSessions.WebSession session, RoomsApi rooms, String jid, Notice notice)
            throws IOException, ApiException {
        Map<String, Object> r = rooms.room(jid).orElseThrow(() -> ApiException.notFound("no room " + jid));
        StringBuilder body = new StringBuilder(notice.html());
        body.append("<h2>Configuration</h2><table id=\"room-config\">");
        String[][] fields = {{"name", "Name"}, {"description", "Description"}, {"persistent", "Persistent"}, {"public", "Public"},
            {"membersOnly", "Members only"}, {"moderated", "Moderated"}, {"passwordProtected", "Password protected"},
            {"locked", "Locked (not yet configured by its owner)"}};
        for (String[] f : fields) {
            Object v = r.get(f[0]);
            body.append("<tr><th>").append(esc(f[1])).append("</th><td id=\"room-").append(f[0]).append("\">")
                    .append(v instanceof Boolean b ? (b ? "yes" : "no") : esc(v)).append("</td></tr>");
        }
        body.append("</table><p><small>Owners change the configuration from their client (XEP-0045 section 10.2).</small></p>");
        body.append("<h2>Occupants</h2><table id=\"occupants\"><tr><th>Nickname</th><th>Address</th><th>Role</th><th>Affiliation</th></tr>");
        for (Object o : (List<?>) r.get("occupantList")) {
            Map<?, ?> m = (Map<?, ?>) o;
            body.append("<tr><td>").append(esc(m.get("nick"))).append("</td><td>").append(esc(m.get("jid"))).append("</td><td>")
                    .append(esc(m.get("role"))).append("</td><td>").append(esc(m.get("affiliation"))).append("</td></tr>");
        }
        body.append("</table><h2>Destroy</h2><form method=\"post\" action=\"/console/rooms/").append(url(jid))
                .append("/destroy\" id=\"destroy-form\">").append(csrf(session))
                .append("<label>Reason told to the occupants <input name=\"reason\" id=\"destroy-reason\" maxlength=\"500\"></label>")
                .append("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" id=\"confirm-destroy\" required> destroy this "
                        + "room (a persistent room is deleted from storage)</label>")
                .append("<button type=\"submit\" id=\"destroy-button\">Destroy</button></form>");
        kit.page(resp, notice.status(), session, "Room " + jid, body.toString());
    }

    private static String kind(Map<String, Object> r) {
        List<String> kinds = new java.util.ArrayList<>();
        kinds.add(Boolean.TRUE.equals(r.get("persistent")) ? "persistent" : "temporary");
        kinds.add(Boolean.TRUE.equals(r.get("public")) ? "public" : "hidden");
        if (Boolean.TRUE.equals(r.get("membersOnly"))) {
            kinds.add("members only");
        }
        if (Boolean.TRUE.equals(r.get("moderated"))) {
            kinds.add("moderated");
        }
        if (Boolean.TRUE.equals(r.get("passwordProtected"))) {
            kinds.add("password");
        }
        if (Boolean.TRUE.equals(r.get("locked"))) {
            kinds.add("locked");
        }
        return String.join(", ", kinds);
    }
}
