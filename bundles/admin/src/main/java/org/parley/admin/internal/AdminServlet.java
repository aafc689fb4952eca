package org.parley.admin.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.MetaTypeService;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.UserManager;
import org.parley.api.routing.ServerInfo;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.ClientSoftwareDirectory;
import org.parley.api.session.SessionRegistry;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.parley.api.usage.TrafficCounters;
import org.parley.api.usage.UsageSample;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API under {@code /api/} on the http feature's HTTPS port (OpenAPI description at
 * {@code /api/openapi.json}).
 *
 * <p>Callers authenticate with a console session (sign in with an admin account's XMPP password at
 * {@code POST /api/session}; the session is a Secure, HttpOnly, SameSite=Strict cookie, and every
 * change made with it must carry the session's CSRF token in {@code X-CSRF-Token}) or with one of
 * their API tokens ({@code Authorization: Bearer}). Every change, and every sign-in, is written to
 * the audit log with who, what, when and from where. Every response carries the security headers
 * (a CSP without inline script, no framing, no sniffing, HSTS) and is never cached.
 */
@Component(service = Servlet.class, configurationPid = AdminConfig.PID, property = {
    "osgi.http.whiteboard.servlet.pattern=/*",
    "osgi.http.whiteboard.servlet.name=parley-admin",
    // The console's bundle upload form; the size the operator allows is checked against the upload itself.
    "osgi.http.whiteboard.servlet.multipart.enabled=true",
    "osgi.http.whiteboard.servlet.multipart.maxFileSize:Long=1073741824"
})
public final class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON_BYTES = 1 << 20;
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Request attribute: what the audit entry of a successful change says beyond its method and path. */
    private static final String AUDIT_DETAIL = "org.parley.admin.audit.detail";

    private final transient AdminStore store;
    private final transient WebSessions webSessions;
    private final transient SignInThrottle throttle;
    private final transient BundleManager bundles;
    /** bin/parley bundle ...: the shell's way to what the bundles page does, on the same BundleManager. */
    private final transient org.osgi.framework.ServiceRegistration<Object> bundleCommands;
    private final transient ConfigManager configs;
    private final transient ConfigurationAdmin configAdmin;
    private final transient MetaTypeService metatype;
    private final String domain;
    private final transient StateHandoff handoff;
    private final transient ConsolePages pages;
    private static final String HANDOFF_KEY = AdminServlet.class.getName();
    private volatile transient AdminSettings settings;

    private final transient List<Ranked> authenticators = new CopyOnWriteArrayList<>();
    private volatile transient UserManager userManager;
    private volatile transient SessionRegistry registry;
    private volatile transient TrafficCounters traffic;
    private volatile transient RoomsApi rooms;
    private volatile transient UsageStatistics usage;
    private volatile transient ClientSoftwareDirectory clientSoftware;

    private record Ranked(PasswordAuthenticator authenticator, int ranking, long id) {
    }

    /** Who a request is, and how it proved it. */
    private record Caller(String admin, WebSessions.WebSession session) {
    }

    @Activate
    public AdminServlet(AdminConfig config, BundleContext context, @Reference SqlDatabase database, @Reference ServerInfo server,
            @Reference ConfigurationAdmin configAdmin, @Reference MetaTypeService metatype, @Reference StateHandoff handoff)
            throws AdminSettings.InvalidSettingException {
        this.domain = server.domain().toString();
        try {
            this.settings = AdminSettings.of(config, domain);
        } catch (AdminSettings.InvalidSettingException e) {
            LOG.error("The admin console cannot start: {}", e.getMessage());
            throw e;
        }
        Clock clock = Clock.systemUTC();
        this.store = new AdminStore(database, clock);
        this.webSessions = new WebSessions(clock);
        this.throttle = new SignInThrottle(clock);
        this.configAdmin = configAdmin;
        this.metatype = metatype;
        this.bundles = new BundleManager(context, Path.of(property(context, "parley.deploy")),
                context.getDataFile("bundles").toPath());
        this.configs = new ConfigManager(context, Path.of(property(context, "parley.etc")));
        this.bundleCommands = context.registerService(Object.class,
                new BundleCommands(bundles, store, this::sessionCount, this::stanzasHeld, () -> settings.allowThirdPartyBundles()),
                new java.util.Hashtable<>(Map.of("osgi.command.scope", "bundle", "osgi.command.function", BundleCommands.FUNCTIONS)));
        this.handoff = handoff;
        this.pages = new ConsolePages(this);
        handoff.take(HANDOFF_KEY).ifPresent(state -> {
            // Read tolerantly: a predecessor of another version may have written another format.
            int restored = webSessions.restore(state.get("sessions"));
            throttle.restore(state.get("failures"));
            LOG.info("Took {} console session(s) from the previous admin bundle", restored);
        });
        LOG.info("Admin REST API at /api/ (administrators: {})", String.join(", ", settings.admins()));
    }

    /** Signed-in administrators and counted failures go to the successor: an upgrade signs nobody out. */
    @Deactivate
    void deactivate() {
        bundleCommands.unregister();
        handoff.deposit(HANDOFF_KEY, Map.of("format", 1, "sessions", webSessions.snapshot(), "failures", throttle.snapshot()));
    }

    @Modified
    void modified(AdminConfig config) {
        try {
            settings = AdminSettings.of(config, domain);
        } catch (AdminSettings.InvalidSettingException e) {
            LOG.error("Admin configuration refused, {}; the previous configuration stays", e.getMessage());
        }
    }

    private static String property(BundleContext context, String name) {
        String value = context.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("framework property " + name + " is not set");
        }
        return value;
    }

    // ---- references: auth and the session core are upgraded live ----

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeAuthenticator")
    void addAuthenticator(PasswordAuthenticator authenticator, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        authenticators.add(new Ranked(authenticator, ranking instanceof Integer i ? i : 0, (Long) properties.get(Constants.SERVICE_ID)));
    }

    void removeAuthenticator(PasswordAuthenticator authenticator) {
        authenticators.removeIf(r -> r.authenticator() == authenticator);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetUserManager")
    void setUserManager(UserManager m) {
        userManager = m;
    }

    void unsetUserManager(UserManager m) {
        if (userManager == m) {
            userManager = null;
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

    // The session core's counters: how many stanzas an upgrade held (see BundleManager.Outcome).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetTraffic")
    void setTraffic(TrafficCounters t) {
        traffic = t;
    }

    void unsetTraffic(TrafficCounters t) {
        if (traffic == t) {
            traffic = null;
        }
    }

    /** The stanzas held across upgrades so far, or -1 while the session core is not there. */
    long stanzasHeld() {
        TrafficCounters t = traffic;
        return t == null ? -1 : t.stanzasHeld();
    }

    // The multi-user chat is optional (the im feature): the rooms answer 503 while it is not running.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRooms")
    void setRooms(RoomsApi r) {
        rooms = r;
    }

    void unsetRooms(RoomsApi r) {
        if (rooms == r) {
            rooms = null;
        }
    }

    // The usage figures are optional (the usage bundle): the dashboard says so while they are missing.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetUsage")
    void setUsage(UsageStatistics u) {
        usage = u;
    }

    void unsetUsage(UsageStatistics u) {
        if (usage == u) {
            usage = null;
        }
    }

    // Client software is optional (the im bundle asks the clients): sessions show none while it is missing.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetClientSoftware")
    void setClientSoftware(ClientSoftwareDirectory d) {
        clientSoftware = d;
    }

    void unsetClientSoftware(ClientSoftwareDirectory d) {
        if (clientSoftware == d) {
            clientSoftware = null;
        }
    }

    private List<PasswordAuthenticator> chain() {
        List<Ranked> ranked = new ArrayList<>(authenticators);
        ranked.sort(Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::id));
        return ranked.stream().map(Ranked::authenticator).toList();
    }

    // ---- requests ----

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        securityHeaders(resp);
        String method = req.getMethod();
        List<String> path = segments(req.getRequestURI());
        String route = method + " /" + String.join("/", path);
        Caller caller = null;
        try {
            if (path.isEmpty() || path.get(0).equals("console")) {
                pages.handle(req, resp, method, path.isEmpty() ? List.of() : path.subList(1, path.size()));
                return;
            }
            if (!path.get(0).equals("api")) {
                throw ApiException.notFound("nothing here: the REST API is under /api/ (described at /api/openapi.json)");
            }
            List<String> p = path.subList(1, path.size());
            if (p.equals(List.of("openapi.json")) && method.equals("GET")) {
                openApi(resp);
                return;
            }
            if (p.equals(List.of("session")) && method.equals("POST")) {
                signIn(req, resp);
                return;
            }
            caller = authenticate(req, method);
            Object result = dispatch(req, resp, method, p, caller);
            if (isChange(method)) {
                audit(caller.admin(), req, route, "ok", (String) req.getAttribute(AUDIT_DETAIL));
            }
            if (result == null) {
                resp.setStatus(204);
            } else {
                writeJson(resp, resp.getStatus(), result);
            }
        } catch (ApiException e) {
            if (caller != null && isChange(method)) {
                audit(caller.admin(), req, route, "refused", e.status() + " " + e.getMessage());
            }
            error(req, resp, e.status(), e.getMessage(), e.details());
        } catch (StorageException e) {
            LOG.error("Admin API {}: storage failed", route, e);
            error(req, resp, 503, "the database is not available: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Admin API {} failed", route, e);
            error(req, resp, 500, "internal error: " + e);
        }
    }

    private Object dispatch(HttpServletRequest req, HttpServletResponse resp, String method, List<String> p, Caller caller)
            throws ApiException, IOException {
        String head = p.isEmpty() ? "" : p.get(0);
        int n = p.size();
        switch (head) {
            case "session":
                if (n == 1 && method.equals("GET")) {
                    return sessionView(caller);
                }
                if (n == 1 && method.equals("DELETE")) {
                    if (caller.session() == null) {
                        throw ApiException.badRequest("this request came with an API token, not a console session");
                    }
                    webSessions.end(caller.session().id());
                    resp.addHeader("Set-Cookie", WebSessions.COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
                    return null;
                }
                break;
            case "tokens":
                if (n == 1 && method.equals("GET")) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    store.tokens(caller.admin()).forEach(t -> list.add(tokenView(t)));
                    return Map.of("tokens", list);
                }
                if (n == 1 && method.equals("POST")) {
                    JsonNode body = jsonBody(req);
                    String name = text(body, "name", true);
                    if (name.length() > 200) {
                        throw ApiException.badRequest("'name' is longer than 200 characters");
                    }
                    AdminStore.NewToken created = store.createToken(caller.admin(), name);
                    req.setAttribute(AUDIT_DETAIL, "token " + created.token().id() + " '" + name + "'");
                    Map<String, Object> view = tokenView(created.token());
                    view.put("token", created.secret());
                    resp.setStatus(201);
                    return view;
                }
                if (n == 2 && method.equals("DELETE")) {
                    if (!store.revokeToken(caller.admin(), p.get(1))) {
                        throw ApiException.notFound("you have no API token " + p.get(1));
                    }
                    return null;
                }
                break;
            case "users":
                return users(req, resp, method, p);
            case "bundles":
                return bundles(req, resp, method, p);
            case "config":
                if (n == 1 && method.equals("GET")) {
                    return Map.of("configurations", configs.list(metatype));
                }
                if (n == 2 && method.equals("GET")) {
                    return configs.read(metatype, configAdmin, p.get(1));
                }
                if (n == 2 && (method.equals("PATCH") || method.equals("PUT"))) {
                    JsonNode body = jsonBody(req);
                    Map<String, Object> changes = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        JsonNode v = e.getValue();
                        if (v.isArray()) {
                            List<Object> list = new ArrayList<>();
                            v.forEach(x -> list.add(x.asText()));
                            changes.put(e.getKey(), list);
                        } else {
                            changes.put(e.getKey(), v.isNull() || v.isObject() ? null : v.asText());
                        }
                    }
                    ConfigManager.Applied applied = configs.change(metatype, configAdmin, p.get(1), changes);
                    Map<String, String> shown = configs.forAudit(metatype, p.get(1), applied.values());
                    req.setAttribute(AUDIT_DETAIL, "set " + shown + (applied.checkedBy() == null ? " (unchecked: " + applied.note() + ")" : ""));
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("pid", p.get(1));
                    answer.put("applied", shown);
                    answer.put("checkedBy", applied.checkedBy());
                    answer.put("note", applied.note());
                    return answer;
                }
                break;
            case "rooms":
                return rooms(req, method, p);
            case "usage":
                if (n == 1 && method.equals("GET")) {
                    return usageView((int) longParam(req, "weeks", DashboardPage.WEEKS));
                }
                break;
            case "audit":
                if (n == 1 && method.equals("GET")) {
                    long before = longParam(req, "before", 0);
                    int limit = (int) longParam(req, "limit", 100);
                    if (limit < 1 || limit > 1000) {
                        throw ApiException.badRequest("limit must be between 1 and 1000");
                    }
                    List<Map<String, Object>> entries = new ArrayList<>();
                    for (AdminStore.AuditEntry e : store.auditLog(before, limit)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", e.id());
                        m.put("at", e.at().toString());
                        m.put("actor", e.actor());
                        m.put("address", e.address());
                        m.put("action", e.action());
                        m.put("target", e.target());
                        m.put("outcome", e.outcome());
                        m.put("detail", e.detail());
                        entries.add(m);
                    }
                    return Map.of("entries", entries);
                }
                break;
            default:
                break;
        }
        throw ApiException.notFound("no such operation: " + method + " /api/" + String.join("/", p));
    }

    private Object users(HttpServletRequest req, HttpServletResponse resp, String method, List<String> p)
            throws ApiException, IOException {
        UserManager manager = userManager;
        if (manager == null) {
            throw new ApiException(503, "the account service is not running (auth is being replaced?); try again");
        }
        UsersApi api = new UsersApi(manager, registry, domain, clientSoftware);
        int n = p.size();
        if (n == 1 && method.equals("GET")) {
            return api.search(req.getParameter("q"), (int) longParam(req, "offset", 0), (int) longParam(req, "limit", 100));
        }
        if (n == 1 && method.equals("POST")) {
            JsonNode body = jsonBody(req);
            Map<String, Object> created = api.create(text(body, "username", true), text(body, "password", true));
            resp.setStatus(201);
            return created;
        }
        if (n == 2 && method.equals("GET")) {
            return api.get(p.get(1));
        }
        if (n == 2 && method.equals("DELETE")) {
            webSessions.endAll(api.delete(p.get(1)));
            return null;
        }
        if (n == 3 && p.get(2).equals("password") && method.equals("PUT")) {
            api.setPassword(p.get(1), text(jsonBody(req), "password", true));
            return null;
        }
        if (n == 3 && (p.get(2).equals("disable") || p.get(2).equals("enable")) && method.equals("POST")) {
            api.setDisabled(p.get(1), p.get(2).equals("disable"));
            return api.get(p.get(1));
        }
        if (n == 3 && p.get(2).equals("sessions") && method.equals("GET")) {
            return Map.of("sessions", api.sessions(p.get(1)));
        }
        if (n == 4 && p.get(2).equals("sessions") && method.equals("DELETE")) {
            api.endSession(p.get(1), p.get(3));
            return null;
        }
        throw ApiException.notFound("no such operation: " + method + " /api/" + String.join("/", p));
    }

    private Object bundles(HttpServletRequest req, HttpServletResponse resp, String method, List<String> p)
            throws ApiException, IOException {
        int n = p.size();
        if (n == 1 && method.equals("GET")) {
            return Map.of("bundles", bundles.list());
        }
        if (n == 1 && method.equals("POST")) {
            byte[] jar = body(req, settings.maxUploadBytes());
            if (jar.length == 0) {
                throw ApiException.badRequest("send the bundle jar as the request body (Content-Type: application/java-archive)");
            }
            BundleManager.Outcome outcome = bundles.upload(jar, settings.allowThirdPartyBundles(), this::sessionCount, this::stanzasHeld);
            req.setAttribute(AUDIT_DETAIL, outcome.symbolicName() + " " + (outcome.from() == null ? "installed" : "from " + outcome.from())
                    + " to " + outcome.to() + ", " + outcome.state());
            resp.setStatus(outcome.from() == null ? 201 : 200);
            return outcome;
        }
        if (n == 2 && method.equals("GET")) {
            return bundles.describe(bundles.bundle(p.get(1)));
        }
        if (n == 3 && method.equals("POST")) {
            switch (p.get(2)) {
                case "start" -> {
                    bundles.start(p.get(1));
                    return bundles.describe(bundles.bundle(p.get(1)));
                }
                case "stop" -> {
                    bundles.stop(p.get(1));
                    return bundles.describe(bundles.bundle(p.get(1)));
                }
                case "rollback" -> {
                    BundleManager.Outcome outcome = bundles.rollback(p.get(1), this::sessionCount, this::stanzasHeld);
                    req.setAttribute(AUDIT_DETAIL, outcome.symbolicName() + " from " + outcome.from() + " to " + outcome.to());
                    return outcome;
                }
                default -> {
                }
            }
        }
        throw ApiException.notFound("no such operation: " + method + " /api/" + String.join("/", p));
    }

    private Object rooms(HttpServletRequest req, String method, List<String> p) throws ApiException {
        RoomsApi api = roomsApi();
        int n = p.size();
        if (n == 1 && method.equals("GET")) {
            return Map.of("domain", api.domain(), "rooms", api.rooms());
        }
        if (n == 2 && method.equals("GET")) {
            return api.room(roomJid(api, p.get(1))).orElseThrow(() -> ApiException.notFound("no room " + p.get(1)));
        }
        if (n == 2 && method.equals("DELETE")) {
            if (!api.destroy(roomJid(api, p.get(1)), req.getParameter("reason"))) {
                throw ApiException.notFound("no room " + p.get(1));
            }
            return null;
        }
        throw ApiException.notFound("no such operation: " + method + " /api/" + String.join("/", p));
    }

    private Map<String, Object> usageView(int weeks) throws ApiException {
        if (weeks < 1 || weeks > 520) {
            throw ApiException.badRequest("weeks must be between 1 and 520");
        }
        UsageStatistics u = usageStatistics();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", sampleView(u.now()));
        m.put("history", u.history().stream().map(AdminServlet::sampleView).toList());
        List<Map<String, Object>> list = new ArrayList<>();
        for (WeeklyUsers w : weeklyUsers(u, weeks)) {
            list.add(Map.of("week", w.isoWeek(), "monday", w.monday().toString(), "distinctUsers", w.distinctUsers()));
        }
        m.put("weeks", list);
        return m;
    }

    private static Map<String, Object> sampleView(UsageSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", s.at().toString());
        m.put("onlineUsers", s.onlineUsers());
        m.put("sessions", s.sessions());
        m.put("messagesPerSecond", s.messagesPerSecond());
        m.put("presencesPerSecond", s.presencesPerSecond());
        m.put("iqsPerSecond", s.iqsPerSecond());
        m.put("logins", s.logins());
        m.put("failedLogins", s.failedLogins());
        m.put("uptimeSeconds", s.uptime().toSeconds());
        m.put("heapUsedBytes", s.heapUsedBytes());
        m.put("heapMaxBytes", s.heapMaxBytes());
        return m;
    }

    /** The usage figures, or 503 when the usage bundle is not running. */
    UsageStatistics usageStatistics() throws ApiException {
        UsageStatistics u = usage;
        if (u == null) {
            throw new ApiException(503, "the usage figures are not available: the usage bundle is not running on this server");
        }
        return u;
    }

    /** The distinct users of the last weeks, newest first (read from storage on the worker pool). */
    static List<WeeklyUsers> weeklyUsers(UsageStatistics u, int weeks) throws ApiException {
        try {
            return u.weeklyUsers(weeks).toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiException(503, "the weekly figures could not be read: " + cause.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(503, "the weekly figures could not be read within 15 s; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
    }

    /** A room named by its JID, or by its local part on the service's domain. */
    static String roomJid(RoomsApi api, String name) {
        return name.indexOf('@') >= 0 ? name : name + "@" + api.domain();
    }

    private int sessionCount() {
        SessionRegistry r = registry;
        return r == null ? -1 : r.count();
    }

    // ---- sign-in and authentication ----

    private void signIn(HttpServletRequest req, HttpServletResponse resp) throws ApiException, IOException {
        JsonNode body = jsonBody(req);
        String username = verifySignIn(req, resp, text(body, "username", true), text(body, "password", true));
        WebSessions.WebSession session = openSession(username, req, resp);
        writeJson(resp, 201, sessionView(new Caller(username, session)));
    }

    /**
     * Checks a sign-in (throttled, audited) the way SASL PLAIN checks a client's password, and
     * that the account is an administrator.
     *
     * @return the administrator's prepared name
     */
    String verifySignIn(HttpServletRequest req, HttpServletResponse resp, String rawUser, String rawPassword) throws ApiException {
        AdminSettings current = settings;
        String address = req.getRemoteAddr();
        String action = req.getMethod() + " " + req.getRequestURI();
        String username = Passwords.username(rawUser.endsWith("@" + domain)
                ? rawUser.substring(0, rawUser.length() - domain.length() - 1) : rawUser);
        Duration wait = throttle.waitFor(address, username, current);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            resp.setHeader("Retry-After", Long.toString(seconds));
            audit(rawUser, req, action, "refused", "429 throttled");
            throw new ApiException(429, "too many failed sign-ins; try again in " + seconds + " s");
        }
        String password = Passwords.password(rawPassword);
        PasswordAuthenticator.Result result = PasswordAuthenticator.Result.UNKNOWN_USER;
        if (username != null && password != null) {
            try {
                result = Passwords.check(chain(), username, password).toCompletableFuture().get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new ApiException(503, "the password could not be checked now; try again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted");
            }
        }
        if (result != PasswordAuthenticator.Result.ACCEPTED) {
            throttle.failed(address, username);
            audit(rawUser, req, action, "refused", "401 wrong username or password");
            throw new ApiException(401, "wrong username or password");
        }
        if (!current.isAdmin(username)) {
            throttle.failed(address, username);
            audit(username, req, action, "refused", "403 not an administrator");
            throw new ApiException(403, username + " is not an administrator of this server (org.parley.admin: admins)");
        }
        throttle.succeeded(address, username);
        audit(username, req, action, "ok", null);
        return username;
    }

    /** A new console session for a verified administrator, its cookie set on the response. */
    WebSessions.WebSession openSession(String username, HttpServletRequest req, HttpServletResponse resp) {
        AdminSettings current = settings;
        WebSessions.WebSession session = webSessions.create(username, req.getRemoteAddr(), current);
        resp.addHeader("Set-Cookie", WebSessions.COOKIE + "=" + session.id() + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age="
                + current.sessionMax().toSeconds());
        return session;
    }

    /** The console session of a page request, or null when there is none (expired, unknown, not an admin any more). */
    WebSessions.WebSession pageSession(HttpServletRequest req) {
        WebSessions.Lookup lookup = webSessions.find(cookie(req), settings);
        if (lookup.state() != WebSessions.State.ACTIVE || !settings.isAdmin(lookup.session().admin())) {
            return null;
        }
        return lookup.session();
    }

    void endSession(WebSessions.WebSession session, HttpServletResponse resp) {
        webSessions.end(session.id());
        resp.addHeader("Set-Cookie", WebSessions.COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    // What the pages use: the same services as the API.
    AdminSettings settings() {
        return settings;
    }

    AdminStore store() {
        return store;
    }

    BundleManager bundleManager() {
        return bundles;
    }

    ConfigManager configManager() {
        return configs;
    }

    MetaTypeService metatype() {
        return metatype;
    }

    ConfigurationAdmin configAdmin() {
        return configAdmin;
    }

    UsersApi usersApi() throws ApiException {
        UserManager manager = userManager;
        if (manager == null) {
            throw new ApiException(503, "the account service is not running (auth is being replaced?); try again");
        }
        return new UsersApi(manager, registry, domain, clientSoftware);
    }

    int sessions() {
        return sessionCount();
    }

    /** The rooms, or 503 when multi-user chat is not running. */
    RoomsApi roomsApi() throws ApiException {
        RoomsApi api = rooms;
        if (api == null) {
            throw new ApiException(503, "multi-user chat is not running on this server (the muc bundle of the im feature)");
        }
        return api;
    }

    /** A deleted account is no administrator any more: its console sessions end with it. */
    void endConsoleSessions(String admin) {
        webSessions.endAll(admin);
    }

    boolean hasUsage() {
        return usage != null;
    }

    void auditChange(String admin, HttpServletRequest req, String outcome, String detail) {
        audit(admin, req, req.getMethod() + " " + req.getRequestURI(), outcome, detail);
    }

    private Caller authenticate(HttpServletRequest req, String method) throws ApiException {
        AdminSettings current = settings;
        String authorization = req.getHeader("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ApiException(401, "Authorization must be 'Bearer <API token>'");
            }
            AdminStore.TokenCheck check = store.checkToken(authorization.substring(7).trim())
                    .orElseThrow(() -> new ApiException(401, "unknown API token"));
            if (check.revoked()) {
                throw new ApiException(401, "this API token was revoked on " + check.token().revokedAt());
            }
            if (!current.isAdmin(check.token().admin())) {
                throw new ApiException(403, check.token().admin() + " is no longer an administrator of this server");
            }
            return new Caller(check.token().admin(), null);
        }
        String id = cookie(req);
        WebSessions.Lookup lookup = webSessions.find(id, current);
        switch (lookup.state()) {
            case UNKNOWN -> throw new ApiException(401, id == null
                    ? "sign in first (POST /api/session) or send an API token (Authorization: Bearer)"
                    : "this console session is unknown (the server restarted, or you signed out); sign in again");
            case EXPIRED -> throw new ApiException(401, "your console session expired; sign in again");
            default -> {
            }
        }
        WebSessions.WebSession session = lookup.session();
        if (!current.isAdmin(session.admin())) {
            webSessions.end(session.id());
            throw new ApiException(403, session.admin() + " is no longer an administrator of this server");
        }
        if (isChange(method)) {
            String presented = req.getHeader(CSRF_HEADER);
            if (presented == null || presented.isEmpty()) {
                throw new ApiException(403, "a change needs the session's CSRF token in the " + CSRF_HEADER + " header");
            }
            if (!WebSessions.sameToken(session.csrfToken(), presented)) {
                throw new ApiException(403, "the " + CSRF_HEADER + " header does not match this session's CSRF token");
            }
        }
        return new Caller(session.admin(), session);
    }

    static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (WebSessions.COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    private Map<String, Object> sessionView(Caller caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("admin", caller.admin());
        m.put("jid", caller.admin() + "@" + domain);
        if (caller.session() != null) {
            m.put("csrfToken", caller.session().csrfToken());
            m.put("signedInAt", caller.session().createdAt().toString());
            m.put("expiresAt", caller.session().expiresAt().toString());
            m.put("idleTimeoutSeconds", settings.sessionIdle().toSeconds());
        }
        return m;
    }

    private static Map<String, Object> tokenView(AdminStore.Token t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("createdAt", t.createdAt().toString());
        m.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        m.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        return m;
    }

    void audit(String actor, HttpServletRequest req, String action, String outcome, String detail) {
        try {
            String target = req.getRequestURI();
            store.audit(actor == null ? "?" : actor, req.getRemoteAddr(), action.substring(0, action.indexOf(' ')), target, outcome, detail);
        } catch (StorageException e) {
            LOG.error("Audit entry lost ({} {} by {} from {}: {}): {}", action, req.getRequestURI(), actor, req.getRemoteAddr(),
                    outcome, e.getMessage());
        }
    }

    // ---- HTTP details ----

    private static boolean isChange(String method) {
        return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }

    static void securityHeaders(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Strict-Transport-Security", "max-age=31536000");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cache-Control", "no-store");
    }

    private static List<String> segments(String uri) {
        List<String> result = new ArrayList<>();
        for (String s : uri.split("/")) {
            if (!s.isEmpty()) {
                result.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    private static JsonNode jsonBody(HttpServletRequest req) throws ApiException, IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "send the request body as JSON (Content-Type: application/json)");
        }
        byte[] bytes = body(req, MAX_JSON_BYTES);
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, boolean required) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static long longParam(HttpServletRequest req, String name, long fallback) throws ApiException {
        String value = req.getParameter(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a number, not '" + value + "'");
        }
    }

    private static byte[] body(HttpServletRequest req, int max) throws ApiException, IOException {
        long declared = req.getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "the body is larger than " + max + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = req.getInputStream()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                if (out.size() + read > max) {
                    throw new ApiException(413, "the body is larger than " + max + " bytes");
                }
                out.write(buffer, 0, read);
            }
        }
        return out.toByteArray();
    }

    private void openApi(HttpServletResponse resp) throws IOException {
        try (InputStream in = AdminServlet.class.getResourceAsStream("openapi.json")) {
            resp.setStatus(200);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            in.transferTo(resp.getOutputStream());
        }
    }

    private static void writeJson(HttpServletResponse resp, int status, Object value) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        JSON.writeValue(resp.getOutputStream(), value);
    }

    private static void error(HttpServletRequest req, HttpServletResponse resp, int status, String message) throws IOException {
        error(req, resp, status, message, Map.of());
    }

    private static void error(HttpServletRequest req, HttpServletResponse resp, int status, String message, Map<String, Object> details)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        drainOrClose(req, resp);
        Map<String, Object> body = new LinkedHashMap<>(details);
        body.put("error", message);
        body.put("status", status);
        writeJson(resp, status, body);
    }

    /**
     * A refusal often comes before the body was read (no session, no CSRF token). The body is
     * read and dropped so the connection can carry the client's next request; a large one is not
     * read, and the connection is closed with the answer instead. Left unread, Jetty closed the
     * connection after the answer without saying so, and a client that reused it for its next
     * POST got no answer at all.
     */
    private static void drainOrClose(HttpServletRequest req, HttpServletResponse resp) {
        long declared = req.getContentLengthLong();
        if (declared > MAX_JSON_BYTES) {
            resp.setHeader("Connection", "close");
            return;
        }
        try {
            InputStream in = req.getInputStream();
            byte[] buffer = new byte[8192];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                total += read;
                if (total > MAX_JSON_BYTES) {
                    resp.setHeader("Connection", "close");
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            // Already read (or being read as parts): nothing left to drop, or the connection is gone anyway.
            resp.setHeader("Connection", "close");
        }
    }
}
