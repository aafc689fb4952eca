package org.parley.admin.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.api.storage.StorageException;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;

/**
 * The console's pages, rendered on the server from the same services as the REST API: no script
 * at all (the CSP allows none inline, and none is needed), one stylesheet, forms that post with
 * the session's CSRF token in a hidden field. The sign-in form carries a token of its own, also
 * set as a cookie (double submit), so another site cannot sign a browser in to its own account.
 */
final class ConsolePages {
    static final String SIGN_IN_COOKIE = "__Host-parley-signin";
    private static final String CSS = """
            body { font-family: sans-serif; margin: 0; color: #222; }
            header { background: #24405f; color: #fff; padding: .6em 1em; display: flex; gap: 1.2em; align-items: center; }
            header a { color: #fff; }
            header form { margin-left: auto; }
            main { padding: 1em; }
            table { border-collapse: collapse; margin: 1em 0; }
            td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; }
            .message { background: #e6f4e6; border: 1px solid #7a7; padding: .5em; }
            .error { background: #fbe9e9; border: 1px solid #c77; padding: .5em; }
            .notice { background: #fff7e0; border: 1px solid #cb5; padding: .5em; }
            .secret { font-family: monospace; font-size: 1.1em; background: #fff; padding: .2em .4em; border: 1px solid #999; }
            label { display: block; margin: .4em 0; }
            td form, .actions form { display: inline; margin: 0 .2em 0 0; }
            .actions { display: flex; flex-wrap: wrap; gap: 1.5em; margin: 1em 0; }
            .actions > form { border: 1px solid #ddd; padding: .6em; }
            .charts { display: flex; flex-wrap: wrap; gap: 1em; }
            svg.chart { border: 1px solid #ddd; background: #fff; }
            #figures th { font-weight: normal; }
            """;

    private final AdminServlet api;
    private final SecureRandom random = new SecureRandom();

    ConsolePages(AdminServlet api) {
        this.api = api;
    }

    void handle(HttpServletRequest req, HttpServletResponse resp, String method, List<String> p) throws IOException {
        String head = p.isEmpty() ? "" : p.get(0);
        try {
            if (head.equals("style.css") && method.equals("GET")) {
                resp.setContentType("text/css");
                resp.setCharacterEncoding("UTF-8");
                resp.getWriter().write(CSS);
                return;
            }
            if (head.equals("sign-in")) {
                signIn(req, resp, method);
                return;
            }
            WebSessions.WebSession session = api.pageSession(req);
            if (session == null) {
                resp.sendRedirect("/console/sign-in");
                return;
            }
            if (method.equals("POST") && !WebSessions.sameToken(session.csrfToken(), req.getParameter("csrf"))) {
                page(resp, 403, session, "Refused", error("this form is stale or did not come from the console (CSRF token "
                        + "missing or wrong); nothing was changed"));
                return;
            }
            switch (head) {
                case "" -> resp.sendRedirect("/console/dashboard");
                case "dashboard" -> dashboard(resp, method, session);
                case "sign-out" -> {
                    if (!method.equals("POST")) {
                        throw ApiException.notFound("sign out with the button");
                    }
                    api.endSession(session, resp);
                    resp.sendRedirect("/console/sign-in");
                }
                case "users" -> {
                    if (p.size() == 1) {
                        users(req, resp, method, session, Notice.NONE);
                    } else {
                        user(req, resp, method, session, p);
                    }
                }
                case "rooms" -> rooms(req, resp, method, session, p);
                case "bundles" -> bundles(req, resp, method, session, p);
                case "tokens" -> tokens(req, resp, method, session, p);
                case "config" -> config(req, resp, method, session, p);
                case "audit" -> audit(resp, session);
                default -> throw ApiException.notFound("no page " + req.getRequestURI());
            }
        } catch (ApiException e) {
            page(resp, e.status(), api.pageSession(req), "Error", error(e.getMessage()));
        } catch (StorageException e) {
            page(resp, 503, api.pageSession(req), "Error", error("the database is not available: " + e.getMessage()));
        }
    }

    // ---- sign-in ----

    private void signIn(HttpServletRequest req, HttpServletResponse resp, String method) throws IOException, ApiException {
        if (method.equals("POST")) {
            String expected = cookie(req, SIGN_IN_COOKIE);
            if (expected == null || !WebSessions.sameToken(expected, req.getParameter("signin"))) {
                signInForm(resp, 403, "the sign-in form expired; try again");
                return;
            }
            String username;
            try {
                username = api.verifySignIn(req, resp, nonNull(req.getParameter("username")), nonNull(req.getParameter("password")));
            } catch (ApiException e) {
                signInForm(resp, e.status(), e.getMessage());
                return;
            }
            api.openSession(username, req, resp);
            resp.addHeader("Set-Cookie", SIGN_IN_COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
            resp.sendRedirect("/console/dashboard");
            return;
        }
        signInForm(resp, 200, null);
    }

    private void signInForm(HttpServletResponse resp, int status, String problem) throws IOException {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        resp.addHeader("Set-Cookie", SIGN_IN_COOKIE + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=900");
        String body = (problem == null ? "" : error(problem))
                + "<form method=\"post\" action=\"/console/sign-in\" id=\"sign-in\">"
                + "<input type=\"hidden\" name=\"signin\" value=\"" + token + "\">"
                + "<label>Account <input name=\"username\" id=\"username\" autocomplete=\"username\" required></label>"
                + "<label>Password <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button type=\"submit\" id=\"sign-in-button\">Sign in</button></form>"
                + "<p>Administrators sign in with their XMPP account and password.</p>";
        page(resp, status, null, "Sign in", body);
    }

    // ---- dashboard ----

    private void dashboard(HttpServletResponse resp, String method, WebSessions.WebSession session) throws IOException, ApiException {
        getOnly(method);
        String body;
        if (!api.hasUsage()) {
            Runtime jvm = Runtime.getRuntime();
            body = DashboardPage.withoutUsage(api.sessions(), Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()),
                    jvm.totalMemory() - jvm.freeMemory(), jvm.maxMemory() == Long.MAX_VALUE ? -1 : jvm.maxMemory());
        } else {
            UsageStatistics usage = api.usageStatistics();
            List<WeeklyUsers> weeks = null;
            String problem = null;
            try {
                weeks = AdminServlet.weeklyUsers(usage, DashboardPage.WEEKS);
            } catch (ApiException e) {
                problem = e.getMessage();
            }
            body = DashboardPage.render(usage.now(), usage.history(), weeks, problem);
        }
        page(resp, 200, session, "Dashboard", body);
    }

    // ---- users ----

    private void users(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, Notice notice)
            throws IOException, ApiException {
        UsersApi users = api.usersApi();
        if (method.equals("POST")) {
            String name = nonNull(req.getParameter("username"));
            notice = change(req, session, () -> "Created " + users.create(name, req.getParameter("password")).get("jid") + ".");
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
        page(resp, notice.status(), session, "Users", body);
    }

    /** One account: /console/users/{name}, and its changes /console/users/{name}/{action}. */
    private void user(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        UsersApi users = api.usersApi();
        String name = p.get(1);
        Notice notice = Notice.NONE;
        if (p.size() > 2 || method.equals("POST")) {
            postOnly(method);
            String action = p.size() > 2 ? String.join("/", p.subList(2, p.size())) : "";
            if (action.equals("delete")) {
                Notice deleted = change(req, session, () -> {
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
                notice = change(req, session, () -> {
                    users.setDisabled(name, disable);
                    return disable ? "Disabled " + name + ": its sessions were ended and it cannot sign in." : "Enabled " + name + ".";
                });
            } else if (action.equals("password")) {
                notice = change(req, session, () -> {
                    users.setPassword(name, req.getParameter("password"));
                    return "Set a new password for " + name + ".";
                });
            } else if (p.size() == 5 && p.get(2).equals("sessions") && p.get(4).equals("end")) {
                String id = p.get(3);
                notice = change(req, session, () -> {
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
        page(resp, notice.status(), session, "Account " + username, body.toString());
    }

    /** name version (os), from the session's client software map; blank when the client did not say. */
    static String software(Object value) {
        if (!(value instanceof Map<?, ?> m) || m.get("name") == null) {
            return "";
        }
        return m.get("name") + (m.get("version") == null ? "" : " " + m.get("version")) + (m.get("os") == null ? "" : " (" + m.get("os") + ")");
    }

    // ---- rooms ----

    private void rooms(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        RoomsApi rooms;
        try {
            rooms = api.roomsApi();
        } catch (ApiException missing) {
            // A change that cannot be made is refused (and audited) like any other.
            Notice notice = method.equals("POST") ? change(req, session, () -> {
                throw missing;
            }) : Notice.NONE;
            page(resp, notice.status(), session, "Rooms", notice.html() + "<p class=\"notice\" id=\"rooms-missing\">Multi-user chat is "
                    + "not installed or not running on this server: its rooms are managed here when the <code>muc</code> bundle (the im "
                    + "feature) runs.</p>");
            return;
        }
        Notice notice = Notice.NONE;
        if (p.size() >= 2) {
            String jid = AdminServlet.roomJid(rooms, p.get(1));
            if (p.size() == 3 && p.get(2).equals("destroy")) {
                postOnly(method);
                Notice destroyed = change(req, session, () -> {
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
        page(resp, notice.status(), session, "Rooms", body.toString());
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
        page(resp, notice.status(), session, "Room " + jid, body.toString());
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

    // ---- API tokens ----

    private void tokens(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        AdminStore store = api.store();
        Notice notice = Notice.NONE;
        if (p.size() == 1 && method.equals("POST")) {
            String name = nonNull(req.getParameter("name")).strip();
            if (name.isEmpty() || name.length() > 200) {
                ApiException refused = ApiException.badRequest("give the token a name of 1 to 200 characters (what uses it)");
                api.auditChange(session.admin(), req, "refused", refused.status() + " " + refused.getMessage());
                notice = new Notice(error(refused.getMessage()), refused.status());
            } else {
                AdminStore.NewToken created = store.createToken(session.admin(), name);
                // The secret is shown this once and never written to the audit log.
                api.auditChange(session.admin(), req, "ok", "token " + created.token().id() + " '" + name + "'");
                notice = new Notice("<div class=\"message\" id=\"message\">Created the API token " + esc(name) + ". Copy it now: it is not "
                        + "shown again.<p><code class=\"secret\" id=\"new-token\">" + esc(created.secret()) + "</code></p>Use it as "
                        + "<code>Authorization: Bearer &lt;token&gt;</code>.</div>", 201);
            }
        } else if (p.size() == 3 && p.get(2).equals("revoke")) {
            postOnly(method);
            String id = p.get(1);
            notice = change(req, session, () -> {
                if (!store.revokeToken(session.admin(), id)) {
                    throw ApiException.notFound("you have no API token " + id);
                }
                return "Revoked API token " + id + ".";
            });
        } else if (p.size() != 1) {
            throw ApiException.notFound("no page " + req.getRequestURI());
        }
        StringBuilder rows = new StringBuilder();
        for (AdminStore.Token t : store.tokens(session.admin())) {
            rows.append("<tr id=\"token-").append(esc(t.id())).append("\"><td>").append(esc(t.name())).append("</td><td>").append(esc(t.id()))
                    .append("</td><td>").append(esc(t.createdAt())).append("</td><td>").append(t.lastUsedAt() == null ? "never" : esc(t.lastUsedAt()))
                    .append("</td><td class=\"token-state\">").append(t.revokedAt() == null ? "active" : "revoked " + esc(t.revokedAt()))
                    .append("</td><td>").append(t.revokedAt() == null ? form("/console/tokens/" + url(t.id()) + "/revoke", session,
                            "revoke-" + t.id(), "Revoke") : "").append("</td></tr>");
        }
        String body = notice.html() + "<p>API tokens let scripts call the REST API (<a href=\"/api/openapi.json\">OpenAPI</a>) as you, "
                + "without a console session. They are stored hashed.</p>"
                + "<table id=\"tokens\"><tr><th>Name</th><th>Id</th><th>Created</th><th>Last used</th><th>State</th><th></th></tr>" + rows
                + "</table><h2>New token</h2><form method=\"post\" action=\"/console/tokens\" id=\"create-token\">" + csrf(session)
                + "<label>Name <input name=\"name\" id=\"token-name\" maxlength=\"200\" required></label>"
                + "<button type=\"submit\" id=\"create-token-button\">Create</button></form>";
        page(resp, notice.status(), session, "API tokens", body);
    }

    // ---- bundles ----

    private void bundles(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        BundleManager bundles = api.bundleManager();
        Notice notice = Notice.NONE;
        if (p.size() == 1 && method.equals("POST")) {
            notice = change(req, session, () -> {
                byte[] jar = uploaded(req, api.settings().maxUploadBytes());
                return outcome(bundles.upload(jar, api.settings().allowThirdPartyBundles(), api::sessions));
            });
        } else if (p.size() == 3) {
            postOnly(method);
            String name = p.get(1);
            notice = switch (p.get(2)) {
                case "stop" -> change(req, session, () -> {
                    bundles.stop(name);
                    return "Stopped " + name + ".";
                });
                case "start" -> change(req, session, () -> {
                    bundles.start(name);
                    return "Started " + name + ".";
                });
                case "rollback" -> change(req, session, () -> outcome(bundles.rollback(name, api::sessions)));
                default -> throw ApiException.notFound("no such change: " + req.getRequestURI());
            };
        } else if (p.size() != 1) {
            throw ApiException.notFound("no page " + req.getRequestURI());
        }
        StringBuilder rows = new StringBuilder();
        for (Map<String, Object> b : bundles.list()) {
            String name = String.valueOf(b.get("symbolicName"));
            String state = String.valueOf(b.get("state"));
            String base = "/console/bundles/" + url(name);
            StringBuilder actions = new StringBuilder();
            if (!Boolean.TRUE.equals(b.get("fragment")) && !Long.valueOf(0).equals(b.get("id"))) {
                if (state.equals("ACTIVE")) {
                    actions.append(form(base + "/stop", session, "stop-" + name, "Stop"));
                } else if (state.equals("RESOLVED") || state.equals("INSTALLED")) {
                    actions.append(form(base + "/start", session, "start-" + name, "Start"));
                }
            }
            if (b.get("previousVersion") != null) {
                actions.append(form(base + "/rollback", session, "rollback-" + name, "Roll back to " + b.get("previousVersion")));
            }
            rows.append("<tr id=\"bundle-").append(esc(name)).append("\"><td>").append(esc(name))
                    .append("</td><td class=\"version\">").append(esc(b.get("version"))).append("</td><td class=\"state\">")
                    .append(esc(state)).append("</td><td>").append(actions).append("</td></tr>");
        }
        String body = notice.html()
                + "<h2>Upload a bundle</h2><p>A newer version of an installed bundle upgrades it live; a bundle that does not "
                + "resolve is refused and the running version stays.</p>"
                + "<form method=\"post\" action=\"/console/bundles\" enctype=\"multipart/form-data\" id=\"upload\">" + csrf(session)
                + "<label>Jar <input type=\"file\" name=\"jar\" id=\"jar\" accept=\".jar\" required></label>"
                + "<button type=\"submit\" id=\"upload-button\">Upload</button></form>"
                + "<table id=\"bundles\"><tr><th>Bundle</th><th>Version</th><th>State</th><th></th></tr>" + rows + "</table>";
        page(resp, notice.status(), session, "Bundles", body);
    }

    private static String outcome(BundleManager.Outcome o) {
        return o.symbolicName() + (o.from() == null ? " " + o.to() + " installed" : (isNewer(o) ? " upgraded from " : " rolled back from ")
                + o.from() + " to " + o.to()) + ", " + o.state() + ", in " + o.millis() + " ms; sessions before " + o.sessionsBefore()
                + ", after " + o.sessionsAfter();
    }

    private static boolean isNewer(BundleManager.Outcome o) {
        return org.osgi.framework.Version.parseVersion(o.to()).compareTo(org.osgi.framework.Version.parseVersion(o.from())) > 0;
    }

    private static byte[] uploaded(HttpServletRequest req, int max) throws ApiException, IOException {
        Part part;
        try {
            part = req.getPart("jar");
        } catch (ServletException | IllegalStateException e) {
            throw ApiException.badRequest("the upload could not be read: " + e.getMessage());
        }
        if (part == null || part.getSize() == 0) {
            throw ApiException.badRequest("choose a bundle jar to upload");
        }
        if (part.getSize() > max) {
            throw new ApiException(413, "the jar is larger than " + max + " bytes");
        }
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    // ---- configuration ----

    private void config(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        ConfigManager configs = api.configManager();
        if (p.size() == 1) {
            StringBuilder items = new StringBuilder("<ul id=\"configurations\">");
            for (Map<String, Object> c : configs.list(api.metatype())) {
                items.append("<li><a href=\"/console/config/").append(url(c.get("pid"))).append("\">").append(esc(c.get("name")))
                        .append("</a> (").append(esc(c.get("pid"))).append(")</li>");
            }
            page(resp, 200, session, "Configuration", items + "</ul>");
            return;
        }
        String pid = p.get(1);
        String notice = "";
        int status = 200;
        if (method.equals("POST")) {
            Map<String, Object> current = configs.read(api.metatype(), api.configAdmin(), pid);
            Map<String, Object> changes = new LinkedHashMap<>();
            for (Object o : (List<?>) current.get("attributes")) {
                Map<?, ?> a = (Map<?, ?>) o;
                String key = (String) a.get("key");
                String submitted = req.getParameter("v." + key);
                String shown = a.get("value") == null ? "" : a.get("value") instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                        : String.valueOf(a.get("value"));
                if (submitted != null && !submitted.equals(shown) && !(Boolean.TRUE.equals(a.get("secret")) && submitted.isEmpty())) {
                    changes.put(key, submitted);
                }
            }
            if (changes.isEmpty()) {
                notice = message("Nothing changed.");
            } else {
                try {
                    Map<String, String> applied = configs.change(api.metatype(), api.configAdmin(), pid, changes);
                    Map<String, String> shownApplied = configs.forAudit(api.metatype(), pid, applied);
                    api.auditChange(session.admin(), req, "ok", "set " + shownApplied);
                    notice = message("Applied " + shownApplied + ".");
                } catch (ApiException e) {
                    api.auditChange(session.admin(), req, "refused", e.status() + " " + e.getMessage());
                    notice = error(e.getMessage());
                    status = e.status();
                }
            }
        }
        Map<String, Object> c = configs.read(api.metatype(), api.configAdmin(), pid);
        StringBuilder form = new StringBuilder("<p>" + esc(c.get("description")) + "</p><form method=\"post\" action=\"/console/config/"
                + url(pid) + "\" id=\"config\">" + csrf(session));
        for (Object o : (List<?>) c.get("attributes")) {
            Map<?, ?> a = (Map<?, ?>) o;
            Object value = a.get("value");
            String text = value == null ? "" : value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : value.toString();
            boolean secret = Boolean.TRUE.equals(a.get("secret"));
            form.append("<label>").append(esc(a.get("name"))).append(" <code>").append(esc(a.get("key"))).append("</code> <input name=\"v.")
                    .append(esc(a.get("key"))).append("\" id=\"v.").append(esc(a.get("key"))).append("\" type=\"")
                    .append(secret ? "password" : "text").append("\" value=\"").append(secret ? "" : esc(text)).append("\"></label><small>")
                    .append(esc(a.get("description"))).append("</small>");
        }
        form.append("<p><button type=\"submit\" id=\"apply\">Apply</button></p></form>");
        page(resp, status, session, String.valueOf(c.get("name")), notice + form);
    }

    // ---- audit ----

    private void audit(HttpServletResponse resp, WebSessions.WebSession session) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (AdminStore.AuditEntry e : api.store().auditLog(0, 200)) {
            rows.append("<tr><td>").append(esc(e.at())).append("</td><td>").append(esc(e.actor())).append("</td><td>")
                    .append(esc(e.address())).append("</td><td>").append(esc(e.action())).append(' ').append(esc(e.target()))
                    .append("</td><td>").append(esc(e.outcome())).append("</td><td>").append(esc(e.detail())).append("</td></tr>");
        }
        page(resp, 200, session, "Audit log", "<table id=\"audit\"><tr><th>When</th><th>Who</th><th>From</th><th>What</th>"
                + "<th>Outcome</th><th>Detail</th></tr>" + rows + "</table>");
    }

    // ---- HTML ----

    private void page(HttpServletResponse resp, int status, WebSessions.WebSession session, String title, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        String nav = session == null ? "<strong>Parley</strong>"
                : "<strong>Parley</strong><a href=\"/console/dashboard\">Dashboard</a><a href=\"/console/users\">Users</a>"
                + "<a href=\"/console/rooms\">Rooms</a><a href=\"/console/bundles\">Bundles</a>"
                + "<a href=\"/console/config\">Configuration</a><a href=\"/console/tokens\">API tokens</a><a href=\"/console/audit\">Audit log</a>"
                + "<form method=\"post\" action=\"/console/sign-out\">" + csrf(session) + "<span id=\"admin\">" + esc(session.admin())
                + "</span> <button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
        resp.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + " - Parley</title>"
                + "<link rel=\"stylesheet\" href=\"/console/style.css\"></head><body><header>" + nav + "</header><main><h1>" + esc(title)
                + "</h1>" + body + "</main></body></html>");
    }

    /** What a change tells the admin on the page it answers with, and the page's status. */
    record Notice(String html, int status) {
        static final Notice NONE = new Notice("", 200);
    }

    /** A change a form asks for; says what it did. */
    @FunctionalInterface
    interface Change {
        String apply() throws ApiException, IOException;
    }

    /** Runs a change, writes it to the audit log with its outcome, and says what happened or why nothing did. */
    private Notice change(HttpServletRequest req, WebSessions.WebSession session, Change change) throws IOException {
        try {
            String done = change.apply();
            api.auditChange(session.admin(), req, "ok", done);
            return new Notice(message(done), 200);
        } catch (ApiException e) {
            api.auditChange(session.admin(), req, "refused", e.status() + " " + e.getMessage());
            return new Notice(error(e.getMessage()), e.status());
        }
    }

    /** A change that cannot be undone needs the form's confirmation box ticked. */
    private static void confirmed(HttpServletRequest req, String what) throws ApiException {
        if (!"yes".equals(req.getParameter("confirm"))) {
            throw ApiException.badRequest("tick the confirmation box before " + what + "; nothing was changed");
        }
    }

    private static void getOnly(String method) throws ApiException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ApiException(405, "this page changes nothing; use the forms on it");
        }
    }

    private static void postOnly(String method) throws ApiException {
        if (!method.equals("POST")) {
            throw new ApiException(405, "a change is made with its form's button");
        }
    }

    /** A form of one button that posts a change with the session's CSRF token. */
    private static String form(String action, WebSessions.WebSession session, String id, String label) {
        return "<form method=\"post\" action=\"" + esc(action) + "\">" + csrf(session) + "<button type=\"submit\" id=\"" + esc(id)
                + "\">" + esc(label) + "</button></form>";
    }

    private static String csrf(WebSessions.WebSession session) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(session.csrfToken()) + "\">";
    }

    private static String message(String text) {
        return "<p class=\"message\" id=\"message\">" + esc(text) + "</p>";
    }

    private static String error(String text) {
        return "<p class=\"error\" id=\"error\">" + esc(text) + "</p>";
    }

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String url(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String cookie(HttpServletRequest req, String name) {
        jakarta.servlet.http.Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (jakarta.servlet.http.Cookie c : cookies) {
                if (name.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }
}
