package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.csrf;
import static org.parley.admin.internal.PageKit.error;
import static org.parley.admin.internal.PageKit.esc;
import static org.parley.admin.internal.PageKit.getOnly;
import static org.parley.admin.internal.PageKit.message;
import static org.parley.admin.internal.PageKit.nonNull;
import static org.parley.admin.internal.PageKit.url;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.admin.internal.PageKit.Notice;
import org.parley.api.storage.StorageException;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;

/**
 * The console's pages, rendered on the server from the same services as the REST API: no script
 * at all (the CSP allows none inline, and none is needed), one stylesheet, forms that post with
 * the session's CSRF token in a hidden field. This class routes {@code /console/} and renders
 * sign-in, the dashboard, configuration and the audit log; accounts, rooms, bundles and API
 * tokens have a class each, and {@link PageKit} is what they share. The sign-in form carries a token of its own, also
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
            .problem { display: block; color: #a22; margin-bottom: .5em; }
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
    private final PageKit kit;
    private final AccountPages accounts;
    private final RoomPages rooms;
    private final BundlePages bundles;
    private final TokenPages tokens;

    ConsolePages(AdminServlet api) {
        this.api = api;
        this.kit = new PageKit(api);
        this.accounts = new AccountPages(api, kit);
        this.rooms = new RoomPages(api, kit);
        this.bundles = new BundlePages(api, kit);
        this.tokens = new TokenPages(api, kit);
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
                kit.page(resp, 403, session, "Refused", error("this form is stale or did not come from the console (CSRF token "
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
                        accounts.users(req, resp, method, session, Notice.NONE);
                    } else {
                        accounts.user(req, resp, method, session, p);
                    }
                }
                case "rooms" -> rooms.rooms(req, resp, method, session, p);
                case "bundles" -> bundles.bundles(req, resp, method, session, p);
                case "tokens" -> tokens.tokens(req, resp, method, session, p);
                case "config" -> config(req, resp, method, session, p);
                case "audit" -> audit(resp, session);
                default -> throw ApiException.notFound("no page " + req.getRequestURI());
            }
        } catch (ApiException e) {
            kit.page(resp, e.status(), api.pageSession(req), "Error", error(e.getMessage()));
        } catch (StorageException e) {
            kit.page(resp, 503, api.pageSession(req), "Error", error("the database is not available: " + e.getMessage()));
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
        kit.page(resp, status, null, "Sign in", body);
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
        kit.page(resp, 200, session, "Dashboard", body);
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
            kit.page(resp, 200, session, "Configuration", items + "</ul>");
            return;
        }
        String pid = p.get(1);
        String notice = "";
        int status = 200;
        Map<String, String> problemsByKey = new LinkedHashMap<>();
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
                    ConfigManager.Applied applied = configs.change(api.metatype(), api.configAdmin(), pid, changes);
                    Map<String, String> shownApplied = configs.forAudit(api.metatype(), pid, applied.values());
                    api.auditChange(session.admin(), req, "ok", "set " + shownApplied
                            + (applied.checkedBy() == null ? " (unchecked: " + applied.note() + ")" : ""));
                    notice = message("Applied " + shownApplied + (applied.checkedBy() == null ? ". Note: " + applied.note() : ", checked by "
                            + applied.checkedBy()) + ".");
                } catch (ApiException e) {
                    api.auditChange(session.admin(), req, "refused", e.status() + " " + e.getMessage());
                    notice = error(e.getMessage());
                    status = e.status();
                    if (e.details().get("problems") instanceof List<?> problems) {
                        for (Object o : problems) {
                            if (o instanceof Map<?, ?> problem && problem.get("key") != null) {
                                problemsByKey.merge(String.valueOf(problem.get("key")), String.valueOf(problem.get("reason")), (a, b) -> a + "; " + b);
                            }
                        }
                    }
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
                    .append(esc(a.get("description")));
            if (a.get("range") != null) {
                form.append(" <span class=\"range\">(allowed: ").append(esc(a.get("range"))).append(")</span>");
            }
            form.append("</small>");
            String problem = problemsByKey.get(String.valueOf(a.get("key")));
            if (problem != null) {
                // Beside the field it is about, as well as at the top: a rule between keys may name a key the operator did not change.
                form.append("<strong class=\"problem\" id=\"problem.").append(esc(a.get("key"))).append("\">refused: ").append(esc(problem))
                        .append("</strong>");
            }
        }
        form.append("<p><button type=\"submit\" id=\"apply\">Apply</button></p></form>");
        kit.page(resp, status, session, String.valueOf(c.get("name")), notice + form);
    }

    // ---- audit ----

    private void audit(HttpServletResponse resp, WebSessions.WebSession session) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (AdminStore.AuditEntry e : api.store().auditLog(0, 200)) {
            rows.append("<tr><td>").append(esc(e.at())).append("</td><td>").append(esc(e.actor())).append("</td><td>")
                    .append(esc(e.address())).append("</td><td>").append(esc(e.action())).append(' ').append(esc(e.target()))
                    .append("</td><td>").append(esc(e.outcome())).append("</td><td>").append(esc(e.detail())).append("</td></tr>");
        }
        kit.page(resp, 200, session, "Audit log", "<table id=\"audit\"><tr><th>When</th><th>Who</th><th>From</th><th>What</th>"
                + "<th>Outcome</th><th>Detail</th></tr>" + rows + "</table>");
    }

    // ---- HTML ----

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
