package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.csrf;
import static org.parley.admin.internal.PageKit.esc;
import static org.parley.admin.internal.PageKit.form;
import static org.parley.admin.internal.PageKit.postOnly;
import static org.parley.admin.internal.PageKit.url;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.parley.admin.internal.PageKit.Notice;

/** Every bundle with version and state: upload a jar to install or upgrade one live, stop, start, roll back. */
final class BundlePages {
    private final AdminServlet api;
    private final PageKit kit;

    BundlePages(AdminServlet api, PageKit kit) {
        this.api = api;
        this.kit = kit;
    }

    void bundles(HttpServletRequest req, HttpServletResponse resp, String method, WebSessions.WebSession session, List<String> p)
            throws IOException, ApiException {
        BundleManager bundles = api.bundleManager();
        Notice notice = Notice.NONE;
        if (p.size() == 1 && method.equals("POST")) {
            notice = kit.change(req, session, () -> {
                byte[] jar = uploaded(req, api.settings().maxUploadBytes());
                return outcome(bundles.upload(jar, api.settings().allowThirdPartyBundles(), api::sessions, api::stanzasHeld));
            });
        } else if (p.size() == 3) {
            postOnly(method);
            String name = p.get(1);
            notice = switch (p.get(2)) {
                case "stop" -> kit.change(req, session, () -> {
                    bundles.stop(name);
                    return "Stopped " + name + ".";
                });
                case "start" -> kit.change(req, session, () -> {
                    bundles.start(name);
                    return "Started " + name + ".";
                });
                case "rollback" -> kit.change(req, session, () -> outcome(bundles.rollback(name, api::sessions, api::stanzasHeld)));
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
        kit.page(resp, notice.status(), session, "Bundles", body);
    }

    static String outcome(BundleManager.Outcome o) {
        return o.symbolicName() + (o.from() == null ? " " + o.to() + " installed" : (isNewer(o) ? " upgraded from " : " rolled back from ")
                + o.from() + " to " + o.to()) + ", " + o.state() + ", in " + o.millis() + " ms; sessions before " + o.sessionsBefore()
                + ", after " + o.sessionsAfter()
                + (o.stanzasHeld() == null ? "" : "; stanzas held meanwhile " + o.stanzasHeld());
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
}
