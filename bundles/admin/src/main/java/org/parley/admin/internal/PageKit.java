package org.parley.admin.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What every console page uses: the layout with its navigation, escaping, one-button forms that
 * carry the session's CSRF token, and changes that are written to the audit log with their outcome.
 */
final class PageKit {
    private final AdminServlet api;

    PageKit(AdminServlet api) {
        this.api = api;
    }

    void page(HttpServletResponse resp, int status, WebSessions.WebSession session, String title, String body) throws IOException {
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
    Notice change(HttpServletRequest req, WebSessions.WebSession session, Change change) throws IOException {
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
    static void confirmed(HttpServletRequest req, String what) throws ApiException {
        if (!"yes".equals(req.getParameter("confirm"))) {
            throw ApiException.badRequest("tick the confirmation box before " + what + "; nothing was changed");
        }
    }

    static void getOnly(String method) throws ApiException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ApiException(405, "this page changes nothing; use the forms on it");
        }
    }

    static void postOnly(String method) throws ApiException {
        if (!method.equals("POST")) {
            throw new ApiException(405, "a change is made with its form's button");
        }
    }

    /** A form of one button that posts a change with the session's CSRF token. */
    static String form(String action, WebSessions.WebSession session, String id, String label) {
        return "<form method=\"post\" action=\"" + esc(action) + "\">" + csrf(session) + "<button type=\"submit\" id=\"" + esc(id)
                + "\">" + esc(label) + "</button></form>";
    }

    static String csrf(WebSessions.WebSession session) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(session.csrfToken()) + "\">";
    }

    static String message(String text) {
        return "<p class=\"message\" id=\"message\">" + esc(text) + "</p>";
    }

    static String error(String text) {
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

    static String url(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    }

    static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
