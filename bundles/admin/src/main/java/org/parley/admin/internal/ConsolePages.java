package org.parley.admin.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.api.storage.StorageException;

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
            label { display: block; margin: .4em 0; }
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
                case "" -> resp.sendRedirect("/console/users");
                case "sign-out" -> {
                    if (!method.equals("POST")) {
                        throw ApiException.notFound("sign out with the button");
                    }
                    api.endSession(session, resp);
                    resp.sendRedirect("/console/sign-in");
                }
                case "users" -> users(req, resp, method, session);
                case "bundles" -> bundles(req, resp, method, session);
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
            resp.sendRedirect("/console/users");
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

    // ---- users ----

    private void users(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session)
            throws IOException, ApiException {
        UsersApi users = api.usersApi();
        String notice = "";
        int status = 200;
        if (method.equals("POST")) {
            String name = nonNull(req.getParameter("username"));
            try {
                Map<String, Object> created = users.create(name, req.getParameter("password"));
                api.auditChange(session.admin(), req, "ok", "created " + created.get("username"));
                notice = message("Created " + created.get("jid") + ".");
            } catch (ApiException e) {
                api.auditChange(session.admin(), req, "refused", e.status() + " " + e.getMessage());
                notice = error(e.getMessage());
                status = e.status();
            }
        }
        String q = req.getParameter("q");
        Map<String, Object> found = users.search(q, 0, 200);
        StringBuilder rows = new StringBuilder();
        for (Object o : (List<?>) found.get("users")) {
            Map<?, ?> u = (Map<?, ?>) o;
            rows.append("<tr><td>").append(esc(u.get("jid"))).append("</td><td>").append(esc(u.get("sessions")))
                    .append("</td><td>").append(Boolean.TRUE.equals(u.get("disabled")) ? "disabled" : "").append("</td></tr>");
        }
        String body = notice
                + "<form method=\"get\" action=\"/console/users\"><label>Search <input name=\"q\" value=\"" + esc(q) + "\"></label>"
                + "<button type=\"submit\">Search</button></form>"
                + "<p>" + found.get("total") + " account(s)</p>"
                + "<table id=\"users\"><tr><th>Account</th><th>Sessions</th><th></th></tr>" + rows + "</table>"
                + "<h2>New account</h2><form method=\"post\" action=\"/console/users\" id=\"create-user\">" + csrf(session)
                + "<label>Name <input name=\"username\" id=\"new-username\" required></label>"
                + "<label>Password <input type=\"password\" name=\"password\" id=\"new-password\" autocomplete=\"new-password\" required></label>"
                + "<button type=\"submit\" id=\"create-user-button\">Create</button></form>";
        page(resp, status, session, "Users", body);
    }

    // ---- bundles ----

    private void bundles(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session)
            throws IOException, ApiException {
        BundleManager bundles = api.bundleManager();
        String notice = "";
        int status = 200;
        if (method.equals("POST")) {
            try {
                byte[] jar = uploaded(req, api.settings().maxUploadBytes());
                BundleManager.Outcome o = bundles.upload(jar, api.settings().allowThirdPartyBundles(), api::sessions);
                String what = o.symbolicName() + (o.from() == null ? " " + o.to() + " installed" : " upgraded from " + o.from() + " to " + o.to())
                        + ", " + o.state() + ", in " + o.millis() + " ms; sessions before " + o.sessionsBefore() + ", after " + o.sessionsAfter();
                api.auditChange(session.admin(), req, "ok", what);
                notice = message(what);
            } catch (ApiException e) {
                api.auditChange(session.admin(), req, "refused", e.status() + " " + e.getMessage());
                notice = error(e.getMessage());
                status = e.status();
            }
        }
        StringBuilder rows = new StringBuilder();
        for (Map<String, Object> b : bundles.list()) {
            rows.append("<tr id=\"bundle-").append(esc(b.get("symbolicName"))).append("\"><td>").append(esc(b.get("symbolicName")))
                    .append("</td><td class=\"version\">").append(esc(b.get("version"))).append("</td><td class=\"state\">")
                    .append(esc(b.get("state"))).append("</td></tr>");
        }
        String body = notice
                + "<h2>Upload a bundle</h2><p>A newer version of an installed bundle upgrades it live; a bundle that does not "
                + "resolve is refused and the running version stays.</p>"
                + "<form method=\"post\" action=\"/console/bundles\" enctype=\"multipart/form-data\" id=\"upload\">" + csrf(session)
                + "<label>Jar <input type=\"file\" name=\"jar\" id=\"jar\" accept=\".jar\" required></label>"
                + "<button type=\"submit\" id=\"upload-button\">Upload</button></form>"
                + "<table id=\"bundles\"><tr><th>Bundle</th><th>Version</th><th>State</th></tr>" + rows + "</table>";
        page(resp, status, session, "Bundles", body);
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
                : "<strong>Parley</strong><a href=\"/console/users\">Users</a><a href=\"/console/bundles\">Bundles</a>"
                + "<a href=\"/console/config\">Configuration</a><a href=\"/console/audit\">Audit log</a>"
                + "<form method=\"post\" action=\"/console/sign-out\">" + csrf(session) + "<span id=\"admin\">" + esc(session.admin())
                + "</span> <button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
        resp.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + " - Parley</title>"
                + "<link rel=\"stylesheet\" href=\"/console/style.css\"></head><body><header>" + nav + "</header><main><h1>" + esc(title)
                + "</h1>" + body + "</main></body></html>");
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
