package org.parley.im.version;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.ClientSoftware;
import org.parley.api.session.ClientSoftwareDirectory;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each client once, when its session first becomes available, which software it runs
 * (XEP-0092: an iq get of {@code jabber:iq:version} from the server's domain), and keeps the answer
 * for the session's life, for the operator's view of sessions ({@link ClientSoftwareDirectory}).
 *
 * <p>The answer is a result the client addresses to the server. Routing hands no results to the
 * server's handlers, so this component takes it as an outbound interceptor of the client's iqs:
 * only a result or error from the asked session's own JID, with the id it was asked with, is
 * consumed; everything else passes untouched. An error, or no answer within the timeout, leaves
 * the client's software unknown, and it is not asked again.
 *
 * <p>What was learnt and what is still being asked go to the successor of an upgrade of this
 * bundle, so an answer that arrives during the upgrade is still taken.
 */
@Component(service = {SessionListener.class, StanzaInterceptor.class, ClientSoftwareDirectory.class},
        configurationPid = ClientVersionConfig.PID,
        property = {StanzaInterceptor.KINDS + "=iq", StanzaInterceptor.DIRECTION + "=outbound"})
public final class ClientVersions implements SessionListener, StanzaInterceptor, ClientSoftwareDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ClientVersions.class);
    static final String HANDOFF_KEY = ClientVersions.class.getName();
    private static final int HANDOFF_FORMAT = 1;
    static final String ID_PREFIX = "parley-version-";
    /** Longer names, versions and systems are cut: the answer is the client's to make up, and kept per session. */
    static final int MAX_FIELD = 200;
    private static final CompletableFuture<InterceptResult> CONSUMED = CompletableFuture.completedFuture(InterceptResult.consumed());

    /** A question on its way: the session asked and the full JID the answer must come from. */
    private record Question(String sessionId, String jid) {
    }

    private final ServerInfo server;
    private final StateHandoff handoff;
    private final ScheduledExecutorService timer;
    private final SecureRandom random = new SecureRandom();
    /** Sessions asked (answered or not), so each is asked once. */
    private final Set<String> asked = ConcurrentHashMap.newKeySet();
    private final Map<String, ClientSoftware> answers = new ConcurrentHashMap<>();
    /** Questions by iq id. */
    private final Map<String, Question> pending = new ConcurrentHashMap<>();
    private volatile boolean askClients = true;
    private volatile int timeoutSeconds = 30;

    @Activate
    public ClientVersions(@Reference ServerInfo server, @Reference StateHandoff handoff, ClientVersionConfig config) {
        this.server = server;
        this.handoff = handoff;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "parley-client-versions");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        configure(config);
        handoff.take(HANDOFF_KEY).ifPresent(this::restore);
    }

    @Modified
    void configure(ClientVersionConfig config) {
        if (config.timeoutSeconds() < 1 || config.timeoutSeconds() > 600) {
            LOG.error("Refused the configuration ({}): key 'timeoutSeconds' must be 1 to 600, not {}; keeping {}",
                    ClientVersionConfig.PID, config.timeoutSeconds(), timeoutSeconds);
            return;
        }
        timeoutSeconds = config.timeoutSeconds();
        askClients = config.askClients();
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        Map<String, List<String>> software = new HashMap<>();
        answers.forEach((id, s) -> software.put(id, java.util.Arrays.asList(s.name(), s.version(), s.os())));
        Map<String, List<String>> questions = new HashMap<>();
        pending.forEach((iqId, q) -> questions.put(iqId, List.of(q.sessionId(), q.jid())));
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "asked", new ArrayList<>(asked), "software", software,
                "pending", questions));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        // Sessions that became available while nobody asked (this bundle came after them) are asked now;
        // those asked before an upgrade of this bundle or of the session core are not asked again.
        if (askClients) {
            for (Session s : r.all()) {
                if (s.isAvailable() && !s.isDetached()) {
                    ask(s);
                }
            }
        }
    }

    void unsetRegistry(SessionRegistry r) {
        // Nothing kept: the registry is only read when it arrives.
    }

    // ---- asking ----

    @Override
    public void available(Session session, Stanza presence) {
        if (askClients) {
            ask(session);
        }
    }

    @Override
    public void ended(Session session) {
        asked.remove(session.id());
        answers.remove(session.id());
        pending.values().removeIf(q -> q.sessionId().equals(session.id()));
    }

    private void ask(Session session) {
        if (!asked.add(session.id())) {
            return;
        }
        byte[] bytes = new byte[9];
        random.nextBytes(bytes);
        String id = ID_PREFIX + HexFormat.of().formatHex(bytes);
        String jid = session.jid().toString();
        pending.put(id, new Question(session.id(), jid));
        expireLater(id);
        session.deliver(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", id)
                .attribute("from", server.domain().toString()).attribute("to", jid)
                .child(Element.empty("query", VersionHandler.NAMESPACE)).build()));
    }

    private void expireLater(String id) {
        try {
            timer.schedule(() -> {
                Question q = pending.remove(id);
                if (q != null) {
                    LOG.debug("{} did not say which software it runs within {} s", q.jid(), timeoutSeconds);
                }
            }, timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(id); // stopping: the successor is handed what is still pending before this
        }
    }

    // ---- the answer ----

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza iq, Interception interception) {
        String id = iq.id();
        String type = iq.type();
        if (id == null || !id.startsWith(ID_PREFIX) || !("result".equals(type) || "error".equals(type))) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        Question q = pending.get(id);
        Jid to = iq.to();
        if (q == null || iq.from() == null || !q.jid().equals(iq.from().toString()) || to != null && !to.equals(server.domain())) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        pending.remove(id, q);
        if ("result".equals(type)) {
            ClientSoftware software = parse(iq.payload());
            if (software != null && asked.contains(q.sessionId())) {
                answers.put(q.sessionId(), software);
            }
        }
        return CONSUMED;
    }

    /** The software a result names, or null when it names none. */
    static ClientSoftware parse(Element query) {
        if (query == null || !query.is("query", VersionHandler.NAMESPACE)) {
            return null;
        }
        String name = field(query.childText("name"));
        return name == null ? null : new ClientSoftware(name, field(query.childText("version")), field(query.childText("os")));
    }

    private static String field(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_FIELD));
        text.strip().codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX_FIELD).forEach(clean::appendCodePoint);
        return clean.isEmpty() ? null : clean.toString();
    }

    @Override
    public Optional<ClientSoftware> clientSoftware(String sessionId) {
        return Optional.ofNullable(answers.get(sessionId));
    }

    /** Questions waiting for their answer (for tests and the log). */
    int pendingCount() {
        return pending.size();
    }

    // ---- across an upgrade ----

    private void restore(Map<String, Object> state) {
        // Read tolerantly: a predecessor of another version may have written another format.
        if (state.get("asked") instanceof List<?> list) {
            list.forEach(id -> asked.add(String.valueOf(id)));
        }
        if (state.get("software") instanceof Map<?, ?> software) {
            software.forEach((id, value) -> {
                if (value instanceof List<?> l && l.size() == 3 && l.get(0) != null) {
                    answers.put(String.valueOf(id), new ClientSoftware(String.valueOf(l.get(0)), text(l.get(1)), text(l.get(2))));
                }
            });
        }
        if (state.get("pending") instanceof Map<?, ?> questions) {
            questions.forEach((id, value) -> {
                if (value instanceof List<?> l && l.size() == 2) {
                    pending.put(String.valueOf(id), new Question(String.valueOf(l.get(0)), String.valueOf(l.get(1))));
                    expireLater(String.valueOf(id));
                }
            });
        }
        LOG.info("Took the client software of {} session(s) and {} question(s) still open from the previous im bundle",
                answers.size(), pending.size());
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
