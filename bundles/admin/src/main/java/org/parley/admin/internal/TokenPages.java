package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.csrf;
import static org.parley.admin.internal.PageKit.error;
import static org.parley.admin.internal.PageKit.esc;
import static org.parley.admin.internal.PageKit.form;
import static org.parley.admin.internal.PageKit.message;
import static org.parley.admin.internal.PageKit.nonNull;
import static org.parley.admin.internal.PageKit.postOnly;
import static org.parley.admin.internal.PageKit.url;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.parley.admin.internal.PageKit.Notice;

/** The signed-in administrator's API tokens: a new one shown once, the list, revoking one. */
final class TokenPages {
    private final AdminServlet api;
    private final PageKit kit;

    TokenPages(AdminServlet api, PageKit kit) {
        this.api = api;
        this.kit = kit;
    }

    void tokens(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
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
            notice = kit.change(req, session, () -> {
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
        kit.page(resp, notice.status(), session, "API tokens", body);
    }
}
