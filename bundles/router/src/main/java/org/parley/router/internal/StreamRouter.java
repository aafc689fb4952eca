package org.parley.router.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.auth.SaslService;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.ConnectionHandler;
import org.parley.api.connection.StreamHandler;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.MessageInterceptor;
import org.parley.api.routing.PresenceInterceptor;
import org.parley.api.routing.RemoteRouter;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream router: takes client connections from the transport, negotiates their streams and
 * routes their stanzas. Every service it uses (SASL, iq handlers, interceptors, components) is a
 * dynamic reference, so any of those bundles can be replaced while users stay connected.
 */
@Component(service = {ConnectionHandler.class, StanzaRouter.class, SessionRegistry.class, ServerInfo.class},
        configurationPid = {"org.parley.server", "org.parley.router"})
public final class StreamRouter implements ConnectionHandler, StanzaRouter, SessionRegistry, ServerInfo {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRouter.class);

    private final SessionTable sessions = new SessionTable();
    private final ScheduledExecutorService timer;
    private final IqDispatcher iqs;
    private final Interceptors<MessageInterceptor> messageInterceptors = new Interceptors<>(MessageInterceptor::intercept);
    private final Interceptors<PresenceInterceptor> presenceInterceptors = new Interceptors<>(PresenceInterceptor::intercept);
    private final StanzaDelivery delivery;
    private final String version;
    private volatile RouterConfig config;
    private volatile SaslService sasl;

    /** Refuses values the router cannot work with, naming the key. */
    static void validate(RouterConfig c) {
        if (c.handlerGraceMillis() < 0) {
            throw new IllegalArgumentException("handlerGraceMillis must not be negative, got " + c.handlerGraceMillis());
        }
        if (c.authTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("authTimeoutSeconds must be at least 1, got " + c.authTimeoutSeconds());
        }
        if (c.maxAuthAttempts() < 1) {
            throw new IllegalArgumentException("maxAuthAttempts must be at least 1, got " + c.maxAuthAttempts());
        }
    }

    @Activate
    public StreamRouter(BundleContext context, ServerConfig server, RouterConfig config) {
        this(context.getBundle().getVersion().toString(), server, config);
    }

    StreamRouter(String version, ServerConfig server, RouterConfig config) {
        validate(config);
        this.config = config;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-router-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true); // auth deadlines are cancelled by the thousand
        this.timer = scheduler;
        this.iqs = new IqDispatcher(timer, config.handlerGraceMillis());
        this.delivery = new StanzaDelivery(parseDomain(server.domain()), sessions, iqs, messageInterceptors, presenceInterceptors);
        this.version = version;
        LOG.info("Serving domain {}", delivery.domain());
    }

    /** Applies a changed configuration; never throws (see ClientTransport#modified for why). */
    @Modified
    void modified(ServerConfig server, RouterConfig newConfig) {
        DomainBareJid newDomain;
        try {
            newDomain = parseDomain(server.domain());
            validate(newConfig);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new router configuration: {}; the previous settings stay in force", e.getMessage());
            return;
        }
        if (!newDomain.equals(delivery.domain())) {
            LOG.warn("The domain changed from {} to {}: new connections use it; {} connected session(s) keep the old one until they reconnect",
                    delivery.domain(), newDomain, sessions.count());
            delivery.setDomain(newDomain);
        }
        iqs.setGraceMillis(newConfig.handlerGraceMillis());
        this.config = newConfig;
    }

    @Deactivate
    void deactivate() {
        for (var session : sessions.all()) {
            session.close(StreamErrorCondition.SYSTEM_SHUTDOWN, "The server is stopping");
        }
        timer.shutdownNow();
    }

    private static DomainBareJid parseDomain(String domain) {
        // jxmpp reads "a@b/c" as a full JID and keeps only a part of it: a domain must be only that.
        if (domain == null || domain.isBlank() || domain.chars().anyMatch(c -> c == '@' || c == '/' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("domain: '" + domain + "' is not a valid XMPP domain");
        }
        try {
            return JidCreate.domainBareFrom(domain);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("domain: '" + domain + "' is not a valid XMPP domain: " + e.getMessage(), e);
        }
    }

    // ---- dynamic references ----

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setSasl(SaslService service) {
        this.sasl = service;
    }

    void unsetSasl(SaslService service) {
        if (this.sasl == service) {
            this.sasl = null;
        }
    }

    /** Federation, when a server-to-server bundle is deployed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setRemoteRouter(RemoteRouter router) {
        delivery.setRemoteRouter(router);
    }

    void unsetRemoteRouter(RemoteRouter router) {
        if (delivery.remoteRouter() == router) {
            delivery.setRemoteRouter(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addIqHandler(IqHandler handler, Map<String, Object> properties) {
        iqs.add(new IqDispatcher.Registration(handler, ranking(properties), serviceId(properties)), namespaces(properties));
    }

    void removeIqHandler(IqHandler handler, Map<String, Object> properties) {
        iqs.remove(handler, namespaces(properties));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMessageInterceptor(MessageInterceptor interceptor, Map<String, Object> properties) {
        messageInterceptors.add(interceptor, ranking(properties), serviceId(properties));
    }

    void removeMessageInterceptor(MessageInterceptor interceptor) {
        messageInterceptors.remove(interceptor);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPresenceInterceptor(PresenceInterceptor interceptor, Map<String, Object> properties) {
        presenceInterceptors.add(interceptor, ranking(properties), serviceId(properties));
    }

    void removePresenceInterceptor(PresenceInterceptor interceptor) {
        presenceInterceptors.remove(interceptor);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(org.parley.api.routing.Component component, Map<String, Object> properties) {
        DomainBareJid domain = componentDomain(properties);
        if (domain != null) {
            delivery.addComponent(domain, component);
            LOG.info("Component {} serves {}", component.getClass().getName(), domain);
        }
    }

    void removeComponent(org.parley.api.routing.Component component, Map<String, Object> properties) {
        DomainBareJid domain = componentDomain(properties);
        if (domain != null) {
            delivery.removeComponent(domain, component);
        }
    }

    private static DomainBareJid componentDomain(Map<String, Object> properties) {
        Object value = properties.get(org.parley.api.routing.Component.DOMAIN);
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

    static List<String> namespaces(Map<String, Object> properties) {
        Object value = properties.get(IqHandler.NAMESPACE);
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        LOG.error("An iq handler without the {} service property handles nothing", IqHandler.NAMESPACE);
        return List.of();
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
    }

    // ---- for the streams ----

    RouterConfig config() {
        return config;
    }

    SaslService sasl() {
        return sasl;
    }

    SessionTable sessions() {
        return sessions;
    }

    StanzaDelivery delivery() {
        return delivery;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    // ---- services ----

    @Override
    public StreamHandler connected(ClientConnection connection) {
        return new ClientStream(this, connection);
    }

    @Override
    public void route(Stanza stanza) {
        delivery.route(stanza);
    }

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

    @Override
    public DomainBareJid domain() {
        return delivery.domain();
    }

    @Override
    public String productName() {
        return "Parley";
    }

    @Override
    public String version() {
        return version;
    }
}
