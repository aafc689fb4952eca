package org.parley.routing.internal;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
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
@Component(service = StanzaRouter.class, configurationPid = RoutingConfig.PID)
public final class Router implements StanzaRouter {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final ScheduledThreadPoolExecutor timer;
    private final ForkJoinPool pool;
    private final LocalSessions sessions;
    private final IqDispatcher iqs;
    private final Interceptors interceptors;
    private final DeliveryFilters filters = new DeliveryFilters();
    private final Components components;
    private final Accounts accounts = new Accounts();
    private final Undeliverables undeliverables = new Undeliverables();
    private final DeliveryRules rules;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long graceMillis;

    @Activate
    public Router(RoutingConfig config, @Reference ServerInfo server) {
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
        DeliveryRules[] self = new DeliveryRules[1];
        this.components = new Components(timer, () -> graceMillis, pool, (stanza, condition) -> self[0].bounce(stanza, condition));
        this.rules = new DeliveryRules(server::domain, sessions, iqs, interceptors, filters, components, accounts, undeliverables);
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

    /** Counts a stanza in flight until its stage completes, so stopping can wait for it. */
    private CompletionStage<Void> track(CompletionStage<Void> stage) {
        if (stage == DeliveryRules.DONE) {
            return stage;
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setSessionRegistry(SessionRegistry registry) {
        sessions.arrived(registry);
    }

    void unsetSessionRegistry(SessionRegistry registry) {
        sessions.departed(registry);
    }

    /** Federation, when a server-to-server bundle is deployed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setRemoteRouter(RemoteRouter router) {
        rules.setRemoteRouter(router);
    }

    void unsetRemoteRouter(RemoteRouter router) {
        if (rules.remoteRouter() == router) {
            rules.setRemoteRouter(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addIqHandler(IqHandler handler, ServiceReference<IqHandler> reference) {
        var namespaces = Registration.strings(reference.getProperty(IqHandler.NAMESPACE));
        if (namespaces.isEmpty()) {
            LOG.error("iq handler {} of {} has no {} service property and handles nothing", handler.getClass().getName(),
                    Registration.of(reference).bundle(), IqHandler.NAMESPACE);
        }
        iqs.add(handler, Registration.of(reference), namespaces);
    }

    void removeIqHandler(IqHandler handler, ServiceReference<IqHandler> reference) {
        iqs.remove(handler, Registration.strings(reference.getProperty(IqHandler.NAMESPACE)));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInterceptor(StanzaInterceptor interceptor, ServiceReference<StanzaInterceptor> reference) {
        interceptors.add(Interceptors.entry(interceptor, Registration.of(reference), reference.getProperty(StanzaInterceptor.KINDS),
                reference.getProperty(StanzaInterceptor.DIRECTION), reference.getProperty(StanzaInterceptor.POLICY)));
    }

    void removeInterceptor(StanzaInterceptor interceptor) {
        interceptors.remove(interceptor);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDeliveryFilter(DeliveryFilter filter, ServiceReference<DeliveryFilter> reference) {
        Object policy = reference.getProperty(StanzaInterceptor.POLICY);
        filters.add(filter, Registration.of(reference), policy instanceof Boolean b ? b : "true".equalsIgnoreCase(String.valueOf(policy)));
    }

    void removeDeliveryFilter(DeliveryFilter filter) {
        filters.remove(filter);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addUndeliverableHandler(UndeliverableMessageHandler handler, ServiceReference<UndeliverableMessageHandler> reference) {
        undeliverables.add(handler, Registration.of(reference));
    }

    void removeUndeliverableHandler(UndeliverableMessageHandler handler) {
        undeliverables.remove(handler);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addUserDirectory(UserDirectory directory, ServiceReference<UserDirectory> reference) {
        accounts.add(directory, Registration.of(reference));
    }

    void removeUserDirectory(UserDirectory directory) {
        accounts.remove(directory);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(org.parley.api.routing.Component component, ServiceReference<org.parley.api.routing.Component> reference) {
        DomainBareJid domain = componentDomain(reference.getProperty(org.parley.api.routing.Component.DOMAIN));
        if (domain != null) {
            components.add(component, domain, Registration.of(reference));
        }
    }

    void removeComponent(org.parley.api.routing.Component component, ServiceReference<org.parley.api.routing.Component> reference) {
        DomainBareJid domain = componentDomain(reference.getProperty(org.parley.api.routing.Component.DOMAIN));
        if (domain != null) {
            components.remove(component, domain);
        }
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
}
