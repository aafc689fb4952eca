package org.parley.session.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.auth.IdentityMapper;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.ConnectionHandler;
import org.parley.api.connection.StreamHandler;
import org.parley.api.connection.StreamHeader;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.stanza.Element;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamFeature;
import org.parley.api.stream.UnauthenticatedIqHandler;
import org.parley.api.usage.TrafficCounters;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session core: takes client connections from the transport, runs their streams, and keeps
 * the table of bound sessions that routing asks. Everything it uses from other bundles (routing,
 * SASL mechanisms, stream features, identity mappers, lifecycle listeners) is a dynamic reference,
 * so each of those can be replaced while users stay connected; and when this bundle itself is
 * upgraded, its state crosses to the successor through the {@link StateHandoff} while the
 * transport keeps the connections open ({@link CoreHandoff}).
 */
@Component(service = {ConnectionHandler.class, SessionRegistry.class, TrafficCounters.class},
        configurationPid = SessionConfig.PID, immediate = true)
public final class SessionCore implements ConnectionHandler, SessionRegistry, TrafficCounters {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCore.class);
    /** The handler of a connection closed as soon as it was accepted: whatever still arrives is dropped. */
    private static final StreamHandler REFUSED = new StreamHandler() {
        @Override
        public void streamOpened(StreamHeader header) {
        }

        @Override
        public void element(Element element) {
        }

        @Override
        public void streamClosed() {
        }

        @Override
        public void disconnected() {
        }
    };

    private final SessionTable sessions = new SessionTable();
    private final Resumptions resumptions = new Resumptions();
    private final Mechanisms mechanisms;
    private final IdentityMappers identityMappers = new IdentityMappers();
    private final Lifecycle lifecycle = new Lifecycle();
    private final Traffic traffic = new Traffic();
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService pool;
    private final boolean ownPool;
    private final StreamFeatures features;
    private final Standby<String, StanzaRouter> router;
    private final StreamServices services;
    private final CoreHandoff handoff;
    private final BundleContext context;
    private volatile SessionSettings settings;
    private final AccessPolicy access = new AccessPolicy(System::nanoTime);

    @Activate
    public SessionCore(BundleContext context, SessionConfig config, @Reference ServerInfo server,
            @Reference StateHandoff stateHandoff) {
        this(context, settingsOrDefaults(config), server, stateHandoff, null);
        applyAccess(config);
    }

    /**
     * @param pool the threads for the streams' and sessions' ordered executors; null for the core's
     *     own pool (tests and benchmarks pass one that runs on the caller, or their own)
     */
    SessionCore(BundleContext context, SessionSettings initial, ServerInfo server, StateHandoff stateHandoff, ExecutorService pool) {
        this.context = context;
        this.settings = initial;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-session-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // authentication deadlines are cancelled by the thousand
        this.ownPool = pool == null;
        this.pool = pool != null ? pool
                : new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()), new SessionThreads(), null, true);
        this.features = new StreamFeatures(timer, () -> settings.graceMillis());
        this.mechanisms = new Mechanisms(timer, () -> settings.graceMillis());
        this.router = new Standby<>(timer, () -> settings.graceMillis());
        router.expect(StreamServices.ROUTER); // routing may start after the core
        this.services = new StreamServices(() -> settings, server::domain, sessions, resumptions, mechanisms, identityMappers,
                features, lifecycle, router, this.pool, timer, ConcurrentHashMap.newKeySet(), traffic, access);
        this.handoff = new CoreHandoff(services, stateHandoff);
        handoff.restore();
    }

    private static SessionSettings settingsOrDefaults(SessionConfig config) {
        try {
            return SessionSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; using the defaults until the configuration is corrected", SessionConfig.PID, e.getMessage());
            return SessionSettings.DEFAULTS;
        }
    }

    /** Applies a changed configuration; a value the core cannot use is refused and the previous settings stay. */
    @Modified
    void modified(SessionConfig config) {
        try {
            settings = SessionSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new session configuration ({}): {}; the previous settings stay in force", SessionConfig.PID, e.getMessage());
        }
        applyAccess(config);
    }

    /** Who may connect (tests). */
    AccessPolicy access() {
        return access;
    }

    /** The network rules are checked apart from the other settings: a typo in one must not hold back the other. */
    private void applyAccess(SessionConfig config) {
        try {
            access.apply(AccessPolicy.Rules.from(config));
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; the previous client access rules stay in force (allowed {}, denied {})", SessionConfig.PID,
                    e.getMessage(), access.rules().allow().isEmpty() ? "all" : access.rules().allow(),
                    access.rules().deny().isEmpty() ? "none" : access.rules().deny());
        }
    }

    /**
     * Stops. When the server is stopping, every stream is closed with system-shutdown. Otherwise
     * this bundle is being upgraded or restarted: the state of every stream and session is handed
     * to the successor and the connections are left open for it.
     */
    @Deactivate
    void deactivate() {
        stop(context == null || context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.STOPPING);
    }

    private void stop(boolean serverStopping) {
        if (serverStopping) {
            for (Session session : sessions.all()) {
                session.close(StreamErrorCondition.SYSTEM_SHUTDOWN, "The server is stopping");
            }
            handoff.closeUnbound();
        } else {
            handoff.handOver();
        }
        features.close();
        mechanisms.close();
        router.closeAll();
        timer.shutdownNow();
        if (!ownPool) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Session threads still busy 5 s after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- dynamic references ----

    /** Bound by reference and obtained on first use: see {@link LazyRouter}. */
    @Reference(service = StanzaRouter.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRouter")
    void bindRouter(ServiceReference<StanzaRouter> reference) {
        setRouter(new LazyRouter(context, reference));
    }

    void unbindRouter(ServiceReference<StanzaRouter> reference) {
        StanzaRouter current = router.current(StreamServices.ROUTER);
        if (current instanceof LazyRouter lazy && lazy.reference().equals(reference)) {
            unsetRouter(lazy);
            lazy.release();
        }
    }

    /** Routing now (tests and benchmarks pass it directly). */
    void setRouter(StanzaRouter stanzaRouter) {
        router.arrived(StreamServices.ROUTER, stanzaRouter);
    }

    void unsetRouter(StanzaRouter stanzaRouter) {
        long held = stanzaRouter.stanzasHeld(); // its count ends with it: kept here, so the total only grows
        if (router.departed(StreamServices.ROUTER, stanzaRouter)) {
            traffic.heldByRoutersGone(held);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMechanism(SaslMechanism mechanism, Map<String, Object> properties) {
        mechanisms.add(mechanism, ranking(properties), serviceId(properties));
    }

    void removeMechanism(SaslMechanism mechanism) {
        mechanisms.remove(mechanism);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addIdentityMapper(IdentityMapper mapper, Map<String, Object> properties) {
        identityMappers.add(mapper, ranking(properties), serviceId(properties));
    }

    void removeIdentityMapper(IdentityMapper mapper) {
        identityMappers.remove(mapper);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFeature(StreamFeature feature, ServiceReference<StreamFeature> reference) {
        List<String> namespaces = strings(reference.getProperty(StreamFeature.NAMESPACE));
        if (namespaces.isEmpty()) {
            LOG.error("Stream feature {} of {} has no {} service property and handles nothing", feature.getClass().getName(),
                    bundleOf(reference), StreamFeature.NAMESPACE);
        }
        features.add(feature, namespaces, bundleOf(reference), ranking(reference), serviceId(reference));
    }

    void removeFeature(StreamFeature feature, ServiceReference<StreamFeature> reference) {
        features.remove(feature, strings(reference.getProperty(StreamFeature.NAMESPACE)));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addIqHandler(UnauthenticatedIqHandler handler, ServiceReference<UnauthenticatedIqHandler> reference) {
        List<String> namespaces = strings(reference.getProperty(UnauthenticatedIqHandler.NAMESPACE));
        if (namespaces.isEmpty()) {
            LOG.error("Unauthenticated iq handler {} of {} has no {} service property and answers nothing",
                    handler.getClass().getName(), bundleOf(reference), UnauthenticatedIqHandler.NAMESPACE);
        }
        features.addIqHandler(handler, namespaces);
    }

    void removeIqHandler(UnauthenticatedIqHandler handler, ServiceReference<UnauthenticatedIqHandler> reference) {
        features.removeIqHandler(handler, strings(reference.getProperty(UnauthenticatedIqHandler.NAMESPACE)));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(SessionListener listener, ServiceReference<SessionListener> reference) {
        lifecycle.add(listener, bundleOf(reference), ranking(reference), serviceId(reference));
    }

    void removeListener(SessionListener listener) {
        lifecycle.remove(listener);
    }

    static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        return List.of();
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
    }

    private static String bundleOf(ServiceReference<?> reference) {
        Bundle b = reference.getBundle();
        return b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
    }

    // ---- ConnectionHandler ----

    /** For tests: runs the deactivation as an upgrade would (hand over) or as a server stop would. */
    void deactivate(boolean serverStopping) {
        stop(serverStopping);
    }

    @Override
    public StreamHandler connected(ClientConnection connection) {
        if (access.closesAtConnect(connection.remoteAddress())) {
            connection.abort();
            return REFUSED;
        }
        ClientStream stream = new ClientStream(services, connection);
        services.streams().add(stream);
        stream.startAuthDeadline();
        return stream;
    }

    @Override
    public StreamHandler reattach(ClientConnection connection) {
        return handoff.reattach(connection);
    }

    // ---- SessionRegistry ----

    @Override
    public Session session(EntityFullJid jid) {
        return sessions.session(jid);
    }

    @Override
    public List<Session> sessions(EntityBareJid user) {
        return sessions.sessions(user);
    }

    @Override
    public Collection<Session> all() {
        return sessions.all();
    }

    @Override
    public int count() {
        return sessions.count();
    }

    StreamServices services() {
        return services;
    }

    // ---- TrafficCounters ----

    @Override
    public long stanzasReceived(Stanza.Kind kind) {
        return traffic.stanzasReceived(kind);
    }

    @Override
    public long logins() {
        return traffic.logins();
    }

    @Override
    public long failedLogins(SaslFailure condition) {
        return traffic.failedLogins(condition);
    }

    /**
     * Stanzas held across live upgrades: those clients sent while routing itself was being
     * replaced (held here), and those routing held for the services it calls, by the routers
     * gone and the one now.
     */
    @Override
    public long stanzasHeld() {
        StanzaRouter current = router.current(StreamServices.ROUTER);
        return ownHeld() + (current == null ? 0 : current.stanzasHeld());
    }

    /** What this core and its predecessors counted, not the live router's own count (it goes on in the successor). */
    long ownHeld() {
        return traffic.heldByRoutersGone() + router.held();
    }

    /** Named daemon threads for the streams' and sessions' ordered executors. */
    private static final class SessionThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("parley-session-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
