package @package@.internal;

import java.util.ArrayDeque;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
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
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component on {@code <subdomain>.<domain>}: answers each chat message with the configured
 * greeting and the text it got. The domain depends on configuration, so this DS component
 * registers the routing {@link org.parley.api.routing.Component} itself, and registers it again
 * when the subdomain changes.
 */
@Component(service = {}, configurationPid = @Class@Config.PID, immediate = true)
@Designate(ocd = @Class@Config.class)
public final class @Class@Component {
    private static final Logger LOG = LoggerFactory.getLogger(@Class@Component.class);

    private final BundleContext context;
    private final ServerInfo server;
    private volatile @Class@Settings settings;
    private ServiceRegistration<org.parley.api.routing.Component> registration;
    /** What the component sent while no routing service was bound, oldest first (guarded by itself). */
    private final ArrayDeque<Stanza> pending = new ArrayDeque<>();
    private static final int MAX_PENDING = 10_000;
    private StanzaRouter router;

    @Activate
    public @Class@Component(BundleContext context, @Reference ServerInfo server, @Class@Config config) {
        this.context = context;
        this.server = server;
        @Class@Settings initial;
        try {
            initial = @Class@Settings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the configuration ({}): {}; using the defaults", @Class@Config.PID, e.getMessage());
            initial = new @Class@Settings("@name@", "Hello from @name@");
        }
        settings = initial;
        register(initial.subdomain());
    }

    @Modified
    void modified(@Class@Config config) {
        @Class@Settings next;
        try {
            next = @Class@Settings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new configuration ({}): {}; the previous one stays in force", @Class@Config.PID, e.getMessage());
            return;
        }
        String previous = settings.subdomain();
        settings = next;
        if (!previous.equals(next.subdomain())) {
            unregister();
            register(next.subdomain());
        }
        LOG.info("Configuration applied: {}", next);
    }

    @Deactivate
    void deactivate() {
        unregister();
    }

    private synchronized void register(String subdomain) {
        String domain = subdomain + "." + server.domain();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(org.parley.api.routing.Component.DOMAIN, domain);
        registration = context.registerService(org.parley.api.routing.Component.class, this::receive, properties);
        LOG.info("Answering on {}", domain);
    }

    /** Not under the lock: routing waits for a call in progress before unregistering returns. */
    private void unregister() {
        ServiceRegistration<org.parley.api.routing.Component> r;
        synchronized (this) {
            r = registration;
            registration = null;
        }
        if (r != null) {
            r.unregister();
        }
    }

    /** Routing calls this on the component's own executor, one stanza at a time, never on an I/O thread. */
    private void receive(Stanza stanza) {
        Stanza answer = @Class@Replies.answer(stanza, settings.greeting());
        if (answer != null) {
            route(answer);
        }
    }

    // Routing is upgraded live: a dynamic reference keeps this component running meanwhile. DS binds
    // it only after the constructor, which has already registered the component and may be sent
    // stanzas routing held for it (during an upgrade of this bundle): answers wait here until then.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        synchronized (pending) {
            router = r;
            while (!pending.isEmpty()) {
                r.route(pending.poll()); // never blocks; under the lock so that nothing overtakes what waited
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

    private void route(Stanza stanza) {
        synchronized (pending) {
            if (router != null) {
                router.route(stanza);
            } else if (pending.size() < MAX_PENDING) {
                pending.add(stanza);
            } else {
                LOG.warn("No routing service for long: a {} to {} is dropped", stanza.kind().xmlName(), stanza.to());
            }
        }
    }
}
