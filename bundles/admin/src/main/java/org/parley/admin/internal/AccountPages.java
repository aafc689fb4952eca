package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.confirmed;
import static org.parley.admin.internal.PageKit.csrf;
import static org.parley.admin.internal.PageKit.esc;
import static org.parley.admin.internal.PageKit.form;
import static org.parley.admin.internal.PageKit.nonNull;
import static org.parley.admin.internal.PageKit.postOnly;
import static org.parley.admin.internal.PageKit.url;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.parley.admin.internal.PageKit.Notice;

/** The users list and each account's page: its sessions (ending one), disabling, a new password, deleting it. */
final class AccountPages {
    private final AdminServlet api;
    private final PageKit kit;

    AccountPages(AdminServlet api, PageKit kit) {
        this.api = api;
        this.kit = kit;
    }

    void users(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, Notice notice)
            throws IOException, ApiException {
        UsersApi users = api.usersApi();
        if (method.equals("POST")) {
            String name = nonNull(req.getParameter("username"));
            notice = kit.change(req, session, () -> "Created " + users.create(name, req.getParameter("password")).get("jid") + ".");
        }
        String q = req.getParameter("q");
        Map<String, Object> found = users.search(q, 0, 200);
        StringBuilder rows = new StringBuilder();
        for (Object o : (List<?>) found.get("users")) {
            Map<?, ?> u = (Map<?, ?>) o;
            rows.append("<tr><td><a href=\"/console/users/").append(url(u.get("username"))).append("\">").append(esc(u.get("jid")))
                    .append("</a></td><td>").append(esc(u.get("sessions"))).append("</td><td>")
                    .append(Boolean.TRUE.equals(u.get("disabled")) ? "disabled" : "").append("</td></tr>");
        }
        String body = notice.html()
                + "<form method=\"get\" action=\"/console/users\"><label>Search <input name=\"q\" value=\"" + esc(q) + "\"></label>"
                + "<button type=\"submit\">Search</button></form>"
                + "<p>" + found.get("total") + " account(s)</p>"
                + "<table id=\"users\"><tr><th>Account</th><th>Sessions</th><th></th></tr>" + rows + "</table>"
                + "<h2>New account</h2><form method=\"post\" action=\"/console/users\" id=\"create-user\">" + csrf(session)
                + "<label>Name <input name=\"username\" id=\"new-username\" required></label>"
                + "<label>Password <input type=\"password\" name=\"password\" id=\"new-password\" autocomplete=\"new-password\" required></label>"
                + "<button type=\"submit\" id=\"create-user-button\">Create</button></form>";
        kit.page(resp, notice.status(), session, "Users", body);
    }

    /** One account: /console/users/{name}, and its changes /console/users/{name}/{action}. */
    void user(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        UsersApi users = api.usersApi();
        String name = p.get(1);
        Notice notice = Notice.NONE;
        if (p.size() > 2 || method.equals("POST")) {
            postOnly(method);
            String action = p.size() > 2 ? String.join("/", p.subList(2, p.size())) : "";
            if (action.equals("delete")) {
                Notice deleted = kit.change(req, session, () -> {
                    confirmed(req, "deleting " + name);
                    api.endConsoleSessions(users.delete(name));
                    return "Deleted " + name + "; its sessions were ended.";
                });
                if (deleted.status() == 200) {
                    users(req, resp, "GET", session, deleted);
                    return;
                }
                notice = deleted;
            } else if (action.equals("disable") || action.equals("enable")) {
                boolean disable = action.equals("disable");
                notice = kit.change(req, session, () -> {
                    users.setDisabled(name, disable);
                    return disable ? "Disabled " + name + ": its sessions were ended and it cannot sign in." : "Enabled " + name + ".";
                });
            } else if (action.equals("password")) {
                notice = kit.change(req, session, () -> {
                    users.setPassword(name, req.getParameter("password"));
                    return "Set a new password for " + name + ".";
                });
            } else if (p.size() == 5 && p.get(2).equals("sessions") && p.get(4).equals("end")) {
                String id = p.get(3);
                notice = kit.change(req, session, () -> {
                    users.endSession(name, id);
                    return "Ended session " + id + " of " + name + ".";
                });
            } else {
                throw ApiException.notFound("no such change: " + req.getRequestURI());
            }
        }
        Map<String, Object> account = users.get(name);
        String username = (String) account.get("username");
        String base = "/console/users/" + url(username);
        boolean disabled = Boolean.TRUE.equals(account.get("disabled"));
        StringBuilder body = new StringBuilder(notice.html());
        body.append("<p id=\"account-state\">").append(esc(account.get("jid"))).append(": ")
                .append(disabled ? "disabled (cannot sign in)" : "enabled").append("</p>");
        body.append("<h2>Sessions</h2>");
        List<Map<String, Object>> sessions = users.sessions(username);
        if (sessions.isEmpty()) {
            body.append("<p id=\"no-sessions\">No session is bound.</p>");
        } else {
            body.append("<table id=\"sessions\"><tr><th>Resource</th><th>Address</th><th>TLS</th><th>Cipher suite</th><th>SASL</th>"
                    + "<th>Client software</th><th>State</th><th>Bound since</th><th></th></tr>");
            for (Map<String, Object> s : sessions) {
                String state = Boolean.TRUE.equals(s.get("detached")) ? "detached (resumable)"
                        : Boolean.TRUE.equals(s.get("available")) ? "available" : "not available";
                body.append("<tr class=\"session\"><td class=\"resource\">").append(esc(s.get("resource"))).append("</td><td>")
                        .append(esc(s.get("address"))).append(s.get("port") == null ? "" : ":" + s.get("port")).append("</td><td>")
                        .append(esc(s.get("tlsProtocol"))).append("</td><td>").append(esc(s.get("tlsCipherSuite"))).append("</td><td>")
                        .append(esc(s.get("saslMechanism"))).append("</td><td class=\"client\">").append(esc(software(s.get("clientSoftware"))))
                        .append("</td><td>").append(state).append("</td><td>").append(esc(s.get("boundAt"))).append("</td><td>")
                        .append(form(base + "/sessions/" + url(s.get("id")) + "/end", session, "end-" + s.get("resource"), "End"))
                        .append("</td></tr>");
            }
            body.append("</table>");
        }
        body.append("<h2>Account</h2><div class=\"actions\">");
        body.append(disabled ? form(base + "/enable", session, "enable", "Enable")
                : form(base + "/disable", session, "disable", "Disable (ends its sessions)"));
        body.append("<form method=\"post\" action=\"").append(base).append("/password\" id=\"password-form\">").append(csrf(session))
                .append("<label>New password <input type=\"password\" name=\"password\" id=\"reset-password\" autocomplete=\"new-password\" "
                        + "required></label><button type=\"submit\" id=\"reset-password-button\">Set password</button></form>");
        body.append("<form method=\"post\" action=\"").append(base).append("/delete\" id=\"delete-form\">").append(csrf(session))
                .append("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" id=\"confirm-delete\" required> delete this "
                        + "account and its data</label><button type=\"submit\" id=\"delete-button\">Delete</button></form>");
        body.append("</div>");
        kit.page(resp, notice.status(), session, "Account " + username, body.toString());
    }

    /** name version (os), from the session's client software map; blank when the client did not say. */
    static String software(Object value) {
        if (!(value instanceof Map<?, ?> m) || m.get("name") == null) {
            return "";
        }
        return m.get("name") + (m.get("version") == null ? "" : " " + m.get("version")) + (m.get("os") == null ? "" : " (" + m.get("os") + ")");
    }
}
