package org.parley.mailtoim.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.UserDirectory;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mail/arrived} with {@code Authorization: Bearer <token>} and the form fields
 * {@code user} (a localpart or a bare JID of this domain), {@code from} and {@code subject}:
 * the user's online resources get a headline saying who wrote and about what. A user with no
 * available resource gets nothing (headlines are not kept offline), and the answer says so.
 * Nothing of the mail but its sender and subject reaches the server.
 */
@Component(service = Servlet.class, configurationPid = MailToImConfig.PID, property = {
    "osgi.http.whiteboard.servlet.pattern=" + MailArrivedServlet.PATH,
    "osgi.http.whiteboard.servlet.name=parley-mailtoim"})
@Designate(ocd = MailToImConfig.class)
public final class MailArrivedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MailArrivedServlet.class);
    static final String PATH = "/mail/arrived";
    static final int MAX_FROM = 320;
    static final int MAX_SUBJECT = 1000;

    /** What the configuration allows, replaced whole when it changes. */
    record Settings(Callers callers, int perTokenPerMinute, int perUserPerMinute) {
        static Settings from(MailToImConfig c) {
            if (c.perTokenPerMinute() < 1) {
                throw new IllegalArgumentException("key 'perTokenPerMinute' must be at least 1, got " + c.perTokenPerMinute());
            }
            if (c.perUserPerMinute() < 1) {
                throw new IllegalArgumentException("key 'perUserPerMinute' must be at least 1, got " + c.perUserPerMinute());
            }
            return new Settings(Callers.parse(c.tokens()), c.perTokenPerMinute(), c.perUserPerMinute());
        }
    }

    private static final String HANDOFF_KEY = "org.parley.mailtoim";
    private final transient ServerInfo server;
    private final transient StateHandoff handoff;
    private final transient RateLimits limits = new RateLimits(System::nanoTime);
    private final transient List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    private transient volatile Settings settings;
    private transient volatile StanzaRouter router;
    private transient volatile SessionRegistry registry;

    @Activate
    public MailArrivedServlet(MailToImConfig config, @Reference ServerInfo server, @Reference StateHandoff handoff) {
        this.server = server;
        this.handoff = handoff;
        // The predecessor's buckets: without them an upgrade would give every caller and user a fresh allowance.
        handoff.take(HANDOFF_KEY).ifPresent(state -> {
            if (Integer.valueOf(1).equals(state.get("format")) && state.get("buckets") instanceof Map<?, ?> buckets) {
                limits.restore(buckets);
            } else {
                LOG.warn("The mail-to-IM rate limits handed over have a format this version does not read; they start afresh");
            }
        });
        Settings first;
        try {
            first = Settings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the mail-to-IM configuration ({}): {}; every call is refused until it is mended", MailToImConfig.PID,
                    e.getMessage());
            first = new Settings(Callers.parse(""), 1, 1);
        }
        settings = first;
        LOG.info("Mail to IM on {}: {} calling system(s)", PATH, first.callers().size());
    }

    @Deactivate
    void deactivate() {
        handoff.deposit(HANDOFF_KEY, Map.of("format", 1, "buckets", limits.export()));
    }

    @Modified
    void modified(MailToImConfig config) {
        try {
            settings = Settings.from(config);
            LOG.info("Mail to IM: {} calling system(s), {} calls a minute each, {} notifications a minute per user",
                    settings.callers().size(), settings.perTokenPerMinute(), settings.perUserPerMinute());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new mail-to-IM configuration ({}): {}; the previous one stays in force", MailToImConfig.PID,
                    e.getMessage());
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        router = r;
    }

    void unsetRouter(StanzaRouter r) {
        if (router == r) {
            router = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        registry = r;
    }

    void unsetRegistry(SessionRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeDirectory")
    void addDirectory(UserDirectory directory) {
        directories.add(directory);
    }

    void removeDirectory(UserDirectory directory) {
        directories.remove(directory);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        Settings now = settings;
        String caller = now.callers().identify(bearer(request));
        if (caller == null) {
            // Logged without the token; the mail system's operator finds the address.
            LOG.warn("Mail to IM: a call from {} without a known token was refused", request.getRemoteAddr());
            response.setHeader("WWW-Authenticate", "Bearer realm=\"parley mail to IM\"");
            error(response, HttpServletResponse.SC_UNAUTHORIZED, "a known token is needed (Authorization: Bearer ...)");
            return;
        }
        if (!limits.take("caller " + caller, now.perTokenPerMinute())) {
            response.setHeader("Retry-After", "60");
            error(response, 429, "this token made more than " + now.perTokenPerMinute() + " calls in the last minute");
            return;
        }
        String userField = request.getParameter("user");
        String from = request.getParameter("from");
        String subject = request.getParameter("subject");
        String malformed = from == null || from.isBlank() ? "the form field 'from' (who wrote) is missing"
                : from.length() > MAX_FROM ? "'from' is longer than " + MAX_FROM + " characters"
                : subject != null && subject.length() > MAX_SUBJECT ? "'subject' is longer than " + MAX_SUBJECT + " characters"
                : null;
        EntityBareJid user = user(userField);
        if (user == null) {
            malformed = "the form field 'user' must be a user of " + server.domain() + " (a username or user@" + server.domain() + ")";
        }
        if (malformed != null) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, malformed);
            return;
        }
        if (!exists(user)) {
            error(response, HttpServletResponse.SC_NOT_FOUND, "there is no user " + user);
            return;
        }
        if (!limits.take("user " + user, now.perUserPerMinute())) {
            response.setHeader("Retry-After", "60");
            error(response, 429, user + " got " + now.perUserPerMinute() + " notifications in the last minute");
            return;
        }
        StanzaRouter r = router;
        SessionRegistry sessions = registry;
        if (r == null || sessions == null) {
            response.setHeader("Retry-After", "5");
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the server is being upgraded; try again in a few seconds");
            return;
        }
        int online = 0;
        for (Session s : sessions.sessions(user)) {
            if (s.isAvailable() && s.priority() >= 0) {
                online++;
            }
        }
        if (online > 0) {
            r.route(headline(user, from.strip(), subject == null ? "" : subject.strip()));
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.getWriter().write("{\"user\":" + json(user.toString()) + ",\"notified\":" + (online > 0) + ",\"resources\":" + online + "}");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "POST");
        error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "POST the form fields user, from and subject");
    }

    /** The headline the user's resources get: RFC 6121 delivers a headline to a bare JID to every available resource. */
    Stanza headline(EntityBareJid user, String from, String subject) {
        String text = subject.isEmpty() ? "New mail from " + from : "New mail from " + from + ": " + subject;
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("type", "headline")
                .attribute("from", server.domain().toString()).attribute("to", user.toString())
                .textChild("subject", "New mail").textChild("body", text).build());
    }

    private EntityBareJid user(String field) {
        if (field == null || field.isBlank()) {
            return null;
        }
        String value = field.strip();
        EntityBareJid jid = JidCreate.entityBareFromOrNull(value.contains("@") ? value : value + "@" + server.domain());
        return jid != null && jid.asDomainBareJid().equals(server.domain()) ? jid : null;
    }

    /** An account exists when any directory says so; a directory that cannot answer counts as yes (as routing does). */
    private boolean exists(EntityBareJid user) {
        String username = user.getLocalpart().toString();
        for (UserDirectory d : directories) {
            try {
                if (Boolean.TRUE.equals(d.exists(username).toCompletableFuture().get(10, TimeUnit.SECONDS))) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            } catch (Exception e) {
                return true;
            }
        }
        return false;
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":" + json(message) + "}");
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
