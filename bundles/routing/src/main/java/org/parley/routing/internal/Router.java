package org.parley.routing.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.auth.UserDirectory;
import org.parley.api.routing.DeliveryFilter;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.RemoteRouter;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing as a service: the {@link StanzaRouter} the session core and every other bundle send
 * stanzas through. It binds everything it routes to dynamically (the session directory, iq
 * handlers, interceptors, delivery filters, components, the undeliverable-message hook,
 * federation), holding stanzas for any of them that is being replaced; and it holds no per-user
 * state, so it is itself replaced live: while it is, the session core holds its clients' stanzas,
 * and on the way out it lets what it has in hand finish.
 */
@Component(service = StanzaRouter.class, configurationPid = RoutingConfig.PID, immediate = true)
public final class Router implements StanzaRouter {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final ScheduledThreadPoolExecutor timer;
    private final ForkJoinPool pool;
    private final LocalSessions sessions;
    private final IqDispatcher iqs;
    private final Interceptors interceptors;
    private final DeliveryFilters filters = new DeliveryFilters();
    private final Components components;
    private final Accounts accounts;
    private final Undeliverables undeliverables;
    private final DeliveryRules rules;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final BundleContext context;
    /**
     * What routing made of each bound service, per role: one registration may offer several of
     * the services routing binds (an iq handler that is also an interceptor), each bound and
     * unbound on its own.
     */
    private final Map<Binding, LazyService<?>> lazies = new ConcurrentHashMap<>();
    private final Map<Binding, Object> proxies = new ConcurrentHashMap<>();

    /** A service registration in one of the roles routing binds it in. */
    record Binding(ServiceReference<?> reference, Class<?> role) {
    }
    private volatile long graceMillis;

    @Activate
    public Router(BundleContext context, RoutingConfig config, @Reference ServerInfo server) {
        this.context = context;
        this.graceMillis = validGrace(config.graceMillis(), 5000);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-routing-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.pool = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()), new RoutingThreads(), null, true);
        this.sessions = new LocalSessions(timer, () -> graceMillis);
        this.iqs = new IqDispatcher(timer, () -> graceMillis);
        this.interceptors = new Interceptors(timer, () -> graceMillis);
        this.accounts = new Accounts(timer, () -> graceMillis);
        this.undeliverables = new Undeliverables(timer, () -> graceMillis);
        DeliveryRules[] self = new DeliveryRules[1];
        this.components = new Components(timer, () -> graceMillis, pool, (stanza, condition) -> self[0].bounce(stanza, condition));
        this.rules = new DeliveryRules(server::domain, sessions, iqs, interceptors, filters, components, accounts, undeliverables,
                this::track);
        self[0] = rules;
    }

    @Modified
    void modified(RoutingConfig config) {
        graceMillis = validGrace(config.graceMillis(), graceMillis);
    }

    private static long validGrace(long value, long previous) {
        if (value < 0) {
            LOG.error("{}: key 'graceMillis' must not be negative, got {}; keeping {}", RoutingConfig.PID, value, previous);
            return previous;
        }
        return value;
    }

    /**
     * Stops after what is in hand: this service is unregistered already, so nothing new comes in;
     * stanzas in flight (an interceptor or handler answering, a component's queue) finish, for up
     * to the grace period and a second.
     */
    @Deactivate
    void deactivate() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis + 1000);
        while ((inFlight.get() > 0 || !components.isIdle()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("{} stanza(s) were still being routed when routing stopped", inFlight.get());
        }
        sessions.close();
        iqs.close();
        interceptors.close();
        accounts.close();
        undeliverables.close();
        components.close();
        timer.shutdownNow();
        pool.shutdown();
    }

    // ---- StanzaRouter ----

    @Override
    public void route(Stanza stanza) {
        track(rules.route(stanza));
    }

    @Override
    public CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        return track(rules.routeFrom(origin, stanza));
    }

    @Override
    public CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        return track(rules.undeliverable(message, account));
    }

    @Override
    public CompletionStage<Boolean> admits(Stanza stanza, EntityBareJid account) {
        return interceptors.applyPolicies(stanza, new StanzaInterceptor.Interception(StanzaInterceptor.Direction.INBOUND, account, null))
                .thenApply(r -> {
                    if (Interceptors.undecided(r)) {
                        throw new IllegalStateException("a policy could not decide: " + r.refusalText());
                    }
                    return !r.isConsumed();
                });
    }

    @Override
    public Stanza filter(Stanza stanza, Session recipient) {
        return filters.filter(stanza, recipient);
    }

    /** Counts a stanza in flight until its stage completes, so stopping can wait for it. */
    private CompletionStage<Void> track(CompletionStage<Void> stage) {
        if (stage == DeliveryRules.DONE || Stages.isDoneNormally(stage)) {
            return stage; // taken already: nothing in flight to wait for
        }
        inFlight.incrementAndGet();
        return stage.whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            if (e != null) {
                LOG.error("Routing failed", e);
            }
        });
    }

    // ---- dynamic references ----
    //
    // Bound by reference and obtained on first use (LazyService), except the session directory:
    // handlers, interceptors and components reference routing to answer, so getting them while
    // routing activates would be a cycle SCR refuses.

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setSessionRegistry(SessionRegistry registry) {
        sessions.arrived(registry);
    }

    void unsetSessionRegistry(SessionRegistry registry) {
        sessions.departed(registry);
    }

    /** Federation, when a server-to-server bundle is deployed. */
    @Reference(service = RemoteRouter.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeRemoteRouter")
    void addRemoteRouter(ServiceReference<RemoteRouter> reference) {
        LazyService<RemoteRouter> lazy = lazy(reference, RemoteRouter.class);
        rules.setRemoteRouter(bound(reference, RemoteRouter.class,
                (RemoteRouter) (domain, stanza) -> lazy.get().route(domain, stanza)));
    }

    void removeRemoteRouter(ServiceReference<RemoteRouter> reference) {
        Object proxy = unbound(reference, RemoteRouter.class);
        if (proxy != null && rules.remoteRouter() == proxy) {
            rules.setRemoteRouter(null);
        }
        released(reference, RemoteRouter.class);
    }

    @Reference(service = IqHandler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeIqHandler")
    void addIqHandler(ServiceReference<IqHandler> reference) {
        var namespaces = Registration.strings(reference.getProperty(IqHandler.NAMESPACE));
        Registration registration = Registration.of(reference);
        if (namespaces.isEmpty()) {
            LOG.error("iq handler {} of {} has no {} service property and handles nothing", registration.name(), registration.bundle(),
                    IqHandler.NAMESPACE);
        }
        Set<IqDispatcher.Target> targets;
        try {
            targets = IqDispatcher.Target.of(Registration.strings(reference.getProperty(IqHandler.TO)));
        } catch (IllegalArgumentException e) {
            LOG.error("iq handler {} of {} handles nothing: {}", registration.name(), registration.bundle(), e.getMessage());
            return;
        }
        LazyService<IqHandler> lazy = lazy(reference, IqHandler.class);
        iqs.add(bound(reference, IqHandler.class, (IqHandler) (iq, origin) -> lazy.get().handle(iq, origin)), registration,
                namespaces, targets);
    }

    void removeIqHandler(ServiceReference<IqHandler> reference) {
        Object proxy = unbound(reference, IqHandler.class);
        if (proxy != null) {
            iqs.remove((IqHandler) proxy, Registration.strings(reference.getProperty(IqHandler.NAMESPACE)));
        }
        released(reference, IqHandler.class);
    }

    @Reference(service = StanzaInterceptor.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeInterceptor")
    void addInterceptor(ServiceReference<StanzaInterceptor> reference) {
        LazyService<StanzaInterceptor> lazy = lazy(reference, StanzaInterceptor.class);
        StanzaInterceptor proxy = bound(reference, StanzaInterceptor.class,
                (stanza, interception) -> lazy.get().intercept(stanza, interception));
        interceptors.add(Interceptors.entry(proxy, Registration.of(reference), reference.getProperty(StanzaInterceptor.KINDS),
                reference.getProperty(StanzaInterceptor.DIRECTION), reference.getProperty(StanzaInterceptor.POLICY)));
    }

    void removeInterceptor(ServiceReference<StanzaInterceptor> reference) {
        Object proxy = unbound(reference, StanzaInterceptor.class);
        if (proxy != null) {
            interceptors.remove((StanzaInterceptor) proxy);
        }
        released(reference, StanzaInterceptor.class);
    }

    @Reference(service = DeliveryFilter.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeDeliveryFilter")
    void addDeliveryFilter(ServiceReference<DeliveryFilter> reference) {
        LazyService<DeliveryFilter> lazy = lazy(reference, DeliveryFilter.class);
        Object policy = reference.getProperty(StanzaInterceptor.POLICY);
        filters.add(bound(reference, DeliveryFilter.class, (DeliveryFilter) (stanza, recipient) -> lazy.get().filter(stanza, recipient)),
                Registration.of(reference), policy instanceof Boolean b ? b : "true".equalsIgnoreCase(String.valueOf(policy)));
    }

    void removeDeliveryFilter(ServiceReference<DeliveryFilter> reference) {
        Object proxy = unbound(reference, DeliveryFilter.class);
        if (proxy != null) {
            filters.remove((DeliveryFilter) proxy);
        }
        released(reference, DeliveryFilter.class);
    }

    @Reference(service = UndeliverableMessageHandler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeUndeliverableHandler")
    void addUndeliverableHandler(ServiceReference<UndeliverableMessageHandler> reference) {
        LazyService<UndeliverableMessageHandler> lazy = lazy(reference, UndeliverableMessageHandler.class);
        undeliverables.add(bound(reference, UndeliverableMessageHandler.class,
                (UndeliverableMessageHandler) (m, account) -> lazy.get().undeliverable(m, account)),
                Registration.of(reference));
    }

    void removeUndeliverableHandler(ServiceReference<UndeliverableMessageHandler> reference) {
        Object proxy = unbound(reference, UndeliverableMessageHandler.class);
        if (proxy != null) {
            undeliverables.remove((UndeliverableMessageHandler) proxy);
        }
        released(reference, UndeliverableMessageHandler.class);
    }

    @Reference(service = UserDirectory.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeUserDirectory")
    void addUserDirectory(ServiceReference<UserDirectory> reference) {
        LazyService<UserDirectory> lazy = lazy(reference, UserDirectory.class);
        accounts.add(bound(reference, UserDirectory.class, (UserDirectory) username -> lazy.get().exists(username)),
                Registration.of(reference));
    }

    void removeUserDirectory(ServiceReference<UserDirectory> reference) {
        Object proxy = unbound(reference, UserDirectory.class);
        if (proxy != null) {
            accounts.remove((UserDirectory) proxy);
        }
        released(reference, UserDirectory.class);
    }

    @Reference(service = org.parley.api.routing.Component.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeComponent")
    void addComponent(ServiceReference<org.parley.api.routing.Component> reference) {
        DomainBareJid domain = componentDomain(reference.getProperty(org.parley.api.routing.Component.DOMAIN));
        if (domain != null) {
            LazyService<org.parley.api.routing.Component> lazy = lazy(reference, org.parley.api.routing.Component.class);
            components.add(bound(reference, org.parley.api.routing.Component.class,
                    (org.parley.api.routing.Component) stanza -> lazy.get().receive(stanza)), domain,
                    Registration.of(reference));
        }
    }

    void removeComponent(ServiceReference<org.parley.api.routing.Component> reference) {
        Object proxy = unbound(reference, org.parley.api.routing.Component.class);
        DomainBareJid domain = componentDomain(reference.getProperty(org.parley.api.routing.Component.DOMAIN));
        if (proxy != null && domain != null) {
            components.remove((org.parley.api.routing.Component) proxy, domain);
        }
        released(reference, org.parley.api.routing.Component.class);
    }

    private <T> LazyService<T> lazy(ServiceReference<T> reference, Class<T> role) {
        LazyService<T> lazy = new LazyService<>(context, reference);
        lazies.put(new Binding(reference, role), lazy);
        return lazy;
    }

    /** Remembers the proxy routing uses for a service in one role, to find it again when the service leaves. */
    private <T> T bound(ServiceReference<?> reference, Class<T> role, T proxy) {
        proxies.put(new Binding(reference, role), proxy);
        return proxy;
    }

    /** Forgets a service that left one role: its proxy, to remove from where it was added. */
    private Object unbound(ServiceReference<?> reference, Class<?> role) {
        return proxies.remove(new Binding(reference, role));
    }

    /**
     * Gives the service back, after it was removed from where routing finds it: released first, a
     * call that picked it just before found it gone, asked for its successor, and got it again.
     */
    private void released(ServiceReference<?> reference, Class<?> role) {
        LazyService<?> lazy = lazies.remove(new Binding(reference, role));
        if (lazy != null) {
            lazy.release();
        }
    }

    /** How many service roles are bound now (for tests). */
    int boundRoles() {
        return proxies.size();
    }

    private static DomainBareJid componentDomain(Object value) {
        if (value == null) {
            LOG.error("A component without the {} service property is ignored", org.parley.api.routing.Component.DOMAIN);
            return null;
        }
        try {
            return JidCreate.domainBareFrom(value.toString());
        } catch (XmppStringprepException e) {
            LOG.error("A component with the invalid domain '{}' is ignored", value);
            return null;
        }
    }

    /** Named daemon threads for the components' ordered executors. */
    private static final class RoutingThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("parley-routing-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    @Override
    public long stanzasHeld() {
        return sessions.held() + iqs.held() + interceptors.held() + accounts.held() + undeliverables.held() + components.held();
    }
}
