package org.parley.examples.bot.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
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
import org.parley.api.server.StateHandoff;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot on {@code <subdomain>.<domain>}: answers users' chat messages (help, time, resources,
 * count) and posts the configured announcement to a room on a timer. Its domain depends on
 * configuration, so it registers the routing {@link org.parley.api.routing.Component} itself.
 *
 * <p>Upgraded live, it hands each user's message count to its successor through the state
 * handoff: routing holds the stanzas sent to the bot from the moment this version unregisters
 * until the next one registers, so a conversation goes on with nothing lost or answered twice.
 * It leaves its room when it stops and its successor enters again.
 */
@Component(service = {}, configurationPid = BotConfig.PID, immediate = true)
@Designate(ocd = BotConfig.class)
public final class BotComponent {
    private static final Logger LOG = LoggerFactory.getLogger(BotComponent.class);
    private static final String HANDOFF_KEY = BotComponent.class.getName();

    private final BundleContext context;
    private final ServerInfo server;
    private final StateHandoff handoff;
    private final Conversations conversations;
    private final ScheduledExecutorService timer;
    private volatile BotSettings settings;
    private RoomAnnouncer announcer;
    private ScheduledFuture<?> ticks;
    private ServiceRegistration<org.parley.api.routing.Component> registration;
    /** Set once the state went to the successor: a stanza that still arrives goes back to routing, which holds it. */
    private boolean handedOver;

    /** What the bot sent while no routing service was bound, oldest first (guarded by itself). */
    private final ArrayDeque<Stanza> pending = new ArrayDeque<>();
    private static final int MAX_PENDING = 10_000;
    private StanzaRouter router;

    // The session core is upgraded live: a dynamic reference keeps the bot running meanwhile.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionRegistry sessions;

    @Activate
    public BotComponent(BundleContext context, @Reference ServerInfo server, @Reference StateHandoff handoff, BotConfig config) {
        this.context = context;
        this.server = server;
        this.handoff = handoff;
        BotSettings initial;
        try {
            initial = BotSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the bot's configuration ({}): {}; using the defaults", BotConfig.PID, e.getMessage());
            initial = BotSettings.DEFAULTS;
        }
        settings = initial;
        conversations = new Conversations(Clock.systemDefaultZone(), user -> {
            SessionRegistry registry = sessions;
            return registry == null ? null : List.copyOf(registry.sessions(user));
        });
        handoff.take(HANDOFF_KEY).ifPresent(snapshot ->
                LOG.info("Took the conversations of {} user(s) from the previous version", conversations.restore(snapshot)));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-bot-announcer");
            t.setDaemon(true);
            return t;
        });
        start(initial);
    }

    @Modified
    void modified(BotConfig config) {
        BotSettings next;
        try {
            next = BotSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the bot's new configuration ({}): {}; the previous one stays in force", BotConfig.PID, e.getMessage());
            return;
        }
        BotSettings previous = settings;
        settings = next;
        if (!previous.subdomain().equals(next.subdomain())) {
            stop();
            start(next);
        } else {
            announce(next);
        }
        LOG.info("Bot configuration applied: {}", next);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        stop();
        synchronized (this) {
            handoff.deposit(HANDOFF_KEY, conversations.snapshot());
            handedOver = true;
        }
    }

    private void start(BotSettings s) {
        String domain = s.subdomain() + "." + server.domain();
        EntityFullJid self;
        try {
            self = JidCreate.entityFullFrom("announcer@" + domain + "/bot");
        } catch (XmppStringprepException e) {
            throw new IllegalStateException(domain + " is not a domain", e);
        }
        synchronized (this) {
            announcer = new RoomAnnouncer(self, this::route);
        }
        announce(s);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(org.parley.api.routing.Component.DOMAIN, domain);
        ServiceRegistration<org.parley.api.routing.Component> r =
                context.registerService(org.parley.api.routing.Component.class, this::receive, properties);
        synchronized (this) {
            registration = r;
        }
        LOG.info("The bot answers on {}", domain);
    }

    /** Leaves the room and takes the bot out of routing. Not under the lock: routing waits for a call in progress. */
    private void stop() {
        ServiceRegistration<org.parley.api.routing.Component> r;
        synchronized (this) {
            if (ticks != null) {
                ticks.cancel(false);
            }
            announcer.leave();
            r = registration;
            registration = null;
        }
        if (r != null) {
            r.unregister();
        }
    }

    private synchronized void announce(BotSettings s) {
        announcer.configure(s.announceRoom(), s.nick(), s.announcement());
        if (ticks != null) {
            ticks.cancel(false);
        }
        ticks = null;
        if (s.announceRoom() != null && !timer.isShutdown()) {
            RoomAnnouncer a = announcer;
            long millis = s.announceInterval().toMillis();
            // Enter now; the first announcement follows one interval later.
            ticks = timer.scheduleAtFixedRate(a::tick, 0, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Routing calls this on the component's own executor, one stanza at a time. */
    private void receive(Stanza stanza) {
        RoomAnnouncer a;
        synchronized (this) {
            if (handedOver) {
                route(stanza); // past routing's patience: back to routing, which holds it for the successor
                return;
            }
            a = announcer;
        }
        if (stanza.to() != null && stanza.to().equals(a.self())) {
            a.receive(stanza);
            return;
        }
        if (stanza.to() != null && stanza.to().hasLocalpart()) {
            Stanza refusal = stanza.isError() || stanza.kind() == Stanza.Kind.PRESENCE ? null
                    : stanza.errorReply(org.parley.api.stanza.StanzaErrorCondition.SERVICE_UNAVAILABLE, "write to the bot's domain");
            if (refusal != null && (stanza.kind() == Stanza.Kind.MESSAGE || stanza.isIqRequest())) {
                route(refusal);
            }
            return;
        }
        Stanza answer = conversations.answer(stanza);
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
