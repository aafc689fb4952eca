package org.parley.components.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.jxmpp.jid.DomainBareJid;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external component service: the configured components (each a routing {@link
 * org.parley.api.routing.Component} on its domain), the sockets they connect to, and the live
 * configuration.
 *
 * <p>The sockets live in this bundle, not in the transport: an upgrade of this bundle closes the
 * component connections (cleanly, reading to the component's own close), routing holds the
 * components' stanzas while the bundle is replaced, and the successor holds them until each
 * component has reconnected (components reconnect on their own; the held stanzas go to them
 * then). The transport stays the small, stable bundle it is; see docs/COMPONENTS.md.
 *
 * <p>With no component configured, no socket is opened: the feature accepts nothing.
 */
@Component(service = {}, configurationPid = ComponentsConfig.PID, immediate = true)
@Designate(ocd = ComponentsConfig.class)
public final class ComponentListener implements ComponentHost, ConfigurationChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentListener.class);
    private static final String HANDOFF_KEY = ComponentListener.class.getName();
    private static final int HANDOFF_FORMAT = 1;
    /** How long a stop waits for the components to close their streams, so nothing they sent is dropped. */
    private static final long CLOSE_WAIT_MILLIS = 3000;
    private static final int MAX_PENDING = 100_000;

    private final BundleContext context;
    private final ServerInfo server;
    private final StateHandoff handoff;
    private final SecretSeal seal;
    private final ScheduledExecutorService timer;
    private final RefusalLog refusals;
    private final Map<DomainBareJid, ExternalComponent> components = new ConcurrentHashMap<>();
    private final Map<DomainBareJid, ServiceRegistration<org.parley.api.routing.Component>> registrations = new HashMap<>();
    private volatile ComponentSettings settings;
    private volatile TlsContextProvider tls;
    private volatile StanzaRouter router;
    /** What components sent while no routing service was bound, oldest first (guarded by itself). */
    private final ArrayDeque<Stanza> pending = new ArrayDeque<>();
    private NioSocketAcceptor acceptor;
    private ComponentSettings listening;
    private final ServiceRegistration<ConfigurationChecker> checker;

    @Activate
    public ComponentListener(BundleContext context, ComponentsConfig config, Map<String, Object> properties,
            @Reference ServerInfo server, @Reference StateHandoff handoff) {
        this.context = context;
        this.server = server;
        this.handoff = handoff;
        this.seal = loadSeal(context);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "parley-components-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        ComponentSettings first;
        Map<DomainBareJid, String> secrets;
        try {
            first = ComponentSettings.from(config, properties);
            secrets = openSecrets(first, properties);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the external component configuration ({}): {}; no component is served until it is fixed",
                    ComponentsConfig.PID, e.getMessage());
            first = ComponentSettings.from(config, Map.of());
            secrets = Map.of();
        }
        this.settings = first;
        this.refusals = new RefusalLog(System::nanoTime, first.refusalLogIntervalSeconds());
        Map<String, List<Stanza>> held = takeHandoff();
        synchronized (this) {
            applyComponents(secrets, held);
            listen(first);
        }
        // Registered by hand, not as a DS service: DS would copy the configuration, component secrets included, into the
        // service's properties, where every bundle can read them.
        this.checker = context.registerService(ConfigurationChecker.class, this,
                new Hashtable<>(Map.of(ConfigurationChecker.PID, ComponentsConfig.PID)));
    }

    /**
     * What {@link #modified} would refuse: {@link ComponentSettings#from}'s rules, and a new port
     * another listener holds (the client transport's, whatever PID configures it, or another
     * process's): binding it would fail and the previous listener would stay. The ports this
     * listener holds are not probed; the secrets are checked when they are applied (opening them
     * seals the file).
     */
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        ComponentSettings held;
        synchronized (this) {
            held = acceptor == null ? null : listening;
        }
        return check(proposed, held);
    }

    /** @param held the settings this listener listens with, null when it does not listen */
    static List<ConfigurationProblem> check(Map<String, Object> proposed, ComponentSettings held) {
        return ConfigurationChecks.check(ComponentsConfig.class, proposed, c -> {
            ComponentSettings next = ComponentSettings.from(c, proposed);
            if (next.secrets().isEmpty()) {
                return; // nothing would listen
            }
            for (String key : List.of("port", "tlsPort")) {
                int port = key.equals("port") ? next.port() : next.tlsPort();
                boolean ours = held != null && (port == held.port() || port == held.tlsPort());
                if (port != 0 && !ours) {
                    String unavailable = ConfigurationChecks.unavailablePort(next.bindAddress(), port);
                    if (unavailable != null) {
                        throw new IllegalArgumentException("key '" + key + "': " + unavailable);
                    }
                }
            }
        });
    }

    @Modified
    void modified(ComponentsConfig config, Map<String, Object> properties) {
        ComponentSettings next;
        Map<DomainBareJid, String> secrets;
        try {
            next = ComponentSettings.from(config, properties);
            secrets = openSecrets(next, properties);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new external component configuration ({}): {}; the previous one stays in force",
                    ComponentsConfig.PID, e.getMessage());
            return;
        }
        synchronized (this) {
            settings = next;
            refusals.interval(next.refusalLogIntervalSeconds());
            applyComponents(secrets, Map.of());
            if (next.listensDifferentlyFrom(listening)) {
                listen(next);
            }
        }
        LOG.info("External component settings applied: {} component(s), port {}, TLS port {}", secrets.size(), next.port(),
                next.tlsPort());
    }

    /**
     * Routing holds the components' stanzas from the moment they are unregistered; then the
     * connections are closed cleanly (what the components sent before seeing the close is still
     * routed), and what was held for components that were away goes to the successor.
     */
    @Deactivate
    void deactivate() {
        try {
            checker.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping: the framework unregistered it
        }
        List<ServiceRegistration<org.parley.api.routing.Component>> regs;
        synchronized (this) {
            regs = new ArrayList<>(registrations.values());
            registrations.clear();
        }
        for (ServiceRegistration<org.parley.api.routing.Component> r : regs) {
            unregisterQuietly(r); // not under the lock: routing waits for calls in progress, which take a component's lock
        }
        Map<String, Object> held = new LinkedHashMap<>();
        for (ExternalComponent c : components.values()) {
            ComponentStream connection = c.close();
            if (connection != null) {
                connection.closeGracefully();
            }
            List<Stanza> stanzas = c.takeHeld();
            if (!stanzas.isEmpty()) {
                held.put(c.domain().toString(), List.copyOf(stanzas));
            }
        }
        synchronized (this) {
            closeAcceptor(acceptor, true);
            acceptor = null;
        }
        timer.shutdownNow();
        if (!held.isEmpty()) {
            handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "held", held));
            LOG.info("Handed {} held stanza(s) for {} component(s) to the successor",
                    held.values().stream().mapToInt(l -> ((List<?>) l).size()).sum(), held.size());
        }
    }

    // Routing is upgraded live: it comes and goes without restarting this component. What the
    // components send while it is away waits here, in order, and goes out when it is bound again.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        synchronized (pending) {
            router = r;
            while (!pending.isEmpty()) {
                r.route(pending.poll()); // never blocks; under the lock so nothing overtakes what waited
            }
        }
    }

    void unsetRouter(StanzaRouter r) {
        synchronized (pending) {
            if (router == r) {
                router = null;
            }
        }
    }

    // Optional: the TLS port refuses connections while no TLS service runs (the tls bundle being upgraded).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetTls")
    void setTls(TlsContextProvider t) {
        tls = t;
    }

    void unsetTls(TlsContextProvider t) {
        if (tls == t) {
            tls = null;
        }
    }

    // ---------------------------------------------------------------- ComponentHost

    @Override
    public ExternalComponent component(DomainBareJid domain) {
        return components.get(domain);
    }

    @Override
    public void route(Stanza stanza) {
        StanzaRouter r;
        synchronized (pending) {
            r = router;
            if (r == null) {
                if (pending.size() < MAX_PENDING) {
                    pending.add(stanza);
                } else {
                    LOG.warn("No routing service for long: a {} from {} to {} is dropped", stanza.kind().xmlName(), stanza.from(),
                            stanza.to());
                }
                return;
            }
        }
        r.route(stanza);
    }

    @Override
    public boolean shouldLogRefusal(InetAddress address, String reason) {
        return refusals.shouldLog(address, reason);
    }

    @Override
    public ComponentSettings settings() {
        return settings;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    // ---------------------------------------------------------------- configuration

    /**
     * The secrets, opened; plain ones are sealed and the file rewritten so they are not kept in
     * plain text. Refuses (naming the key) a sealed value that does not open, the server's own
     * domain, and a domain another bundle's component already serves.
     */
    private Map<DomainBareJid, String> openSecrets(ComponentSettings s, Map<String, Object> properties) {
        Map<DomainBareJid, String> open = new LinkedHashMap<>();
        Map<String, String> toSeal = new LinkedHashMap<>();
        for (Map.Entry<DomainBareJid, String> e : s.secrets().entrySet()) {
            String key = ComponentSettings.COMPONENT_PREFIX + e.getKey();
            if (e.getKey().equals(server.domain())) {
                throw new IllegalArgumentException("key '" + key + "': that is the server's own domain");
            }
            if (servedByAnotherBundle(e.getKey())) {
                throw new IllegalArgumentException("key '" + key + "': " + e.getKey() + " is served by another bundle's component");
            }
            String value = e.getValue();
            if (SecretSeal.isSealed(value)) {
                if (seal == null) {
                    throw new IllegalArgumentException("key '" + key + "': sealed, but this server has no data directory to keep "
                            + "its seal key in");
                }
                try {
                    open.put(e.getKey(), seal.open(e.getKey().toString(), value));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("key '" + key + "': " + ex.getMessage());
                }
            } else {
                open.put(e.getKey(), value);
                if (seal != null) {
                    toSeal.put(key, seal.seal(e.getKey().toString(), value));
                }
            }
        }
        if (!toSeal.isEmpty()) {
            sealInFile(properties, toSeal);
        } else if (seal == null && !open.isEmpty()) {
            LOG.warn("Component secrets stay in plain text in etc/: no data directory (framework property parley.data) "
                    + "to keep the seal key in");
        }
        return open;
    }

    private void sealInFile(Map<String, Object> properties, Map<String, String> toSeal) {
        Object fileName = properties.get("felix.fileinstall.filename");
        if (fileName == null) {
            LOG.warn("The secrets of {} are in plain text in the configuration, which did not come from a file this "
                    + "bundle can rewrite: seal them", toSeal.keySet());
            return;
        }
        try {
            Path file = fileName.toString().startsWith("file:") ? Path.of(URI.create(fileName.toString()))
                    : Path.of(fileName.toString());
            List<String> done = ConfigFileSealer.rewrite(file, toSeal);
            if (!done.isEmpty()) {
                LOG.info("Sealed the plain secret(s) of {} in {}", done, file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not seal the plain secrets of {} in the configuration file {}: {}", toSeal.keySet(), fileName,
                    e.toString());
        }
    }

    private boolean servedByAnotherBundle(DomainBareJid domain) {
        try {
            Collection<ServiceReference<org.parley.api.routing.Component>> refs = context.getServiceReferences(
                    org.parley.api.routing.Component.class,
                    "(" + org.parley.api.routing.Component.DOMAIN + "=" + domain + ")");
            for (ServiceReference<org.parley.api.routing.Component> ref : refs) {
                if (ref.getBundle() != null && ref.getBundle().getBundleId() != context.getBundle().getBundleId()) {
                    return true;
                }
            }
            return false;
        } catch (InvalidSyntaxException e) {
            return false; // a domain with filter characters is refused by ComponentSettings before this
        }
    }

    /** Adds, updates and removes components to match the configuration (under this object's lock). */
    private void applyComponents(Map<DomainBareJid, String> secrets, Map<String, List<Stanza>> held) {
        for (Map.Entry<DomainBareJid, String> e : secrets.entrySet()) {
            ExternalComponent existing = components.get(e.getKey());
            if (existing != null) {
                existing.secret(e.getValue());
                continue;
            }
            ExternalComponent c = new ExternalComponent(e.getKey(), e.getValue(), timer, this::route,
                    () -> settings.holdSeconds(), () -> settings.maxHeldStanzas());
            List<Stanza> before = held.get(e.getKey().toString());
            if (before != null) {
                c.restoreHeld(before);
                LOG.info("Took {} stanza(s) held for {} from the previous version", before.size(), e.getKey());
            }
            components.put(e.getKey(), c);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(org.parley.api.routing.Component.DOMAIN, e.getKey().toString());
            props.put("parley.component.kind", "external");
            registrations.put(e.getKey(), context.registerService(org.parley.api.routing.Component.class, c, props));
            LOG.info("External component {} configured", e.getKey());
        }
        for (DomainBareJid gone : new ArrayList<>(components.keySet())) {
            if (!secrets.containsKey(gone)) {
                ServiceRegistration<org.parley.api.routing.Component> r = registrations.remove(gone);
                if (r != null) {
                    unregisterQuietly(r);
                }
                ExternalComponent c = components.remove(gone);
                ComponentStream connection = c.close();
                if (connection != null) {
                    connection.closeWithError(StreamErrorCondition.HOST_GONE, "the component is no longer configured");
                }
                c.bounceHeld();
                LOG.info("External component {} removed from the configuration", gone);
            }
        }
    }

    // ---------------------------------------------------------------- sockets

    /**
     * Opens the sockets for {@code s}. The new ones are bound before the old ones close when the
     * addresses allow; when they cannot be bound, the previous sockets stay (the error names the
     * key).
     */
    private void listen(ComponentSettings s) {
        NioSocketAcceptor old = acceptor;
        if (s.secrets().isEmpty()) {
            closeAcceptor(old, false);
            acceptor = null;
            listening = s;
            LOG.info("No external component is configured: the component listener is closed");
            return;
        }
        NioSocketAcceptor next;
        try {
            next = bind(s);
        } catch (IOException first) {
            closeAcceptor(old, false); // the same port: free it, then try again
            try {
                next = bind(s);
            } catch (IOException e) {
                LOG.error("Refused the component listener settings: key 'port'/'tlsPort': cannot listen on {} port {} / TLS "
                        + "port {}: {}; the previous listener stays", s.bindAddress(), s.port(), s.tlsPort(), e.getMessage());
                if (old != null && listening != null) {
                    try {
                        acceptor = bind(listening);
                    } catch (IOException again) {
                        acceptor = null;
                        LOG.error("Could not reopen the previous component listener either: {}", again.getMessage());
                    }
                }
                return;
            }
            old = null;
        }
        closeAcceptor(old, false);
        acceptor = next;
        listening = s;
        LOG.info("Listening for external components (XEP-0114) on {} port {}{}", s.bindAddress(), s.port(),
                s.tlsPort() == 0 ? "" : ", direct TLS port " + s.tlsPort());
    }

    private NioSocketAcceptor bind(ComponentSettings s) throws IOException {
        NioSocketAcceptor a = new NioSocketAcceptor(1);
        a.setReuseAddress(true);
        a.setCloseOnDeactivation(true);
        a.setHandler(new ComponentIoHandler(this, s.tlsPort(), () -> tls));
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (s.port() != 0) {
            addresses.add(new InetSocketAddress(s.bindAddress(), s.port()));
        }
        if (s.tlsPort() != 0) {
            addresses.add(new InetSocketAddress(s.bindAddress(), s.tlsPort()));
        }
        try {
            a.bind(addresses);
            return a;
        } catch (IOException | RuntimeException e) {
            a.dispose(false);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Closes a listener; with {@code drain}, first waits (a while) for the connections to close. */
    private void closeAcceptor(NioSocketAcceptor a, boolean drain) {
        if (a == null) {
            return;
        }
        if (drain) {
            long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000L;
            while (!a.getManagedSessions().isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } else {
            for (IoSession session : a.getManagedSessions().values()) {
                ComponentStream stream = ComponentIoHandler.streamOf(session);
                if (stream != null) {
                    stream.closeWithError(StreamErrorCondition.SYSTEM_SHUTDOWN, "the component listener moves; reconnect");
                }
            }
        }
        a.unbind();
        a.dispose(false);
    }

    private Map<String, List<Stanza>> takeHandoff() {
        Map<String, List<Stanza>> held = new HashMap<>();
        handoff.take(HANDOFF_KEY).ifPresent(snapshot -> {
            if (!Integer.valueOf(HANDOFF_FORMAT).equals(snapshot.get("format")) || !(snapshot.get("held") instanceof Map<?, ?> m)) {
                LOG.warn("Cannot read the previous version's held stanzas (format {}): they are lost", snapshot.get("format"));
                return;
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof List<?> list) {
                    List<Stanza> stanzas = new ArrayList<>();
                    for (Object o : list) {
                        if (o instanceof Stanza st) {
                            stanzas.add(st);
                        }
                    }
                    held.put(e.getKey().toString(), stanzas);
                }
            }
        });
        return held;
    }

    private static void unregisterQuietly(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException e) {
            // already gone (the bundle is stopping)
        }
    }

    private static SecretSeal loadSeal(BundleContext context) {
        String data = context.getProperty("parley.data");
        if (data == null || data.isBlank()) {
            return null;
        }
        Path file = Path.of(data.trim(), "components", "secret-seal.key");
        try {
            return SecretSeal.loadOrCreate(file, new SecureRandom());
        } catch (IOException e) {
            LOG.error("Cannot keep the component secret seal key in {}: {}; secrets stay as configured", file, e.toString());
            return null;
        }
    }
}
