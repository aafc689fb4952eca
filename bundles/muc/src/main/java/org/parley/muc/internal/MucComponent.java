package org.parley.muc.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
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
import org.parley.api.auth.AccountListener;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.storage.SqlDatabase;
import org.parley.muc.RoomAdministration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the multi-user chat service on {@code <subdomain>.<domain>}. The component's domain is a
 * service property that routing reads when it binds, and it depends on configuration, so this
 * DS component registers the {@link org.parley.api.routing.Component} itself, and registers it
 * again under the new domain when the operator changes the subdomain.
 */
@Component(service = {RoomAdministration.class, AccountListener.class}, configurationPid = MucConfig.PID, immediate = true)
@Designate(ocd = MucConfig.class)
public final class MucComponent implements RoomAdministration, AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(MucComponent.class);
    private static final String HANDOFF_KEY = MucComponent.class.getName();

    private final BundleContext context;
    private final ServerInfo server;
    private final JdbcRoomStore store;
    private final StateHandoff handoff;
    private volatile StanzaRouter router;
    /** What the rooms sent while no routing service was bound, oldest first (guarded by itself). */
    private final java.util.ArrayDeque<Stanza> pending = new java.util.ArrayDeque<>();
    private static final int MAX_PENDING = 100_000;
    /** Set when the state has been handed to the successor: what still arrives here goes back to routing. */
    private boolean handedOver;
    private MucService service;
    private ServiceRegistration<org.parley.api.routing.Component> registration;

    @Activate
    public MucComponent(BundleContext context, MucConfig config, @Reference ServerInfo server, @Reference SqlDatabase database,
            @Reference WorkerPool workers, @Reference StateHandoff handoff) {
        this.context = context;
        this.server = server;
        this.handoff = handoff;
        database.migrate(JdbcRoomStore.MODULE, JdbcRoomStore.MIGRATIONS); // blocks: fine in activation
        this.store = new JdbcRoomStore(database, workers);
        MucSettings settings;
        try {
            settings = MucSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the multi-user chat configuration ({}): {}; using the defaults", MucConfig.PID, e.getMessage());
            settings = MucSettings.DEFAULTS;
        }
        start(settings);
    }

    private synchronized void start(MucSettings settings) {
        DomainBareJid domain = domainOf(settings.subdomain());
        service = new MucService(domain, settings, Clock.systemUTC(), store, this::route, this::inService);
        handoff.take(HANDOFF_KEY).ifPresent(snapshot -> {
            int[] restored = RoomSnapshots.restore(service, snapshot);
            LOG.info("Took {} room(s) with {} occupant(s) from the previous multi-user chat", restored[0], restored[1]);
        });
        service.restore(store.loadAll());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(org.parley.api.routing.Component.DOMAIN, domain.toString());
        registration = context.registerService(org.parley.api.routing.Component.class, this::receive, properties);
        LOG.info("Multi-user chat on {}", domain);
    }

    /** A stored write's completion comes back to the rooms under the lock stanzas are handled with. */
    private void inService(Runnable task) {
        synchronized (this) {
            if (!handedOver) {
                task.run();
            }
        }
    }

    private DomainBareJid domainOf(String subdomain) {
        return domainOf(subdomain, server);
    }

    /** The service's address; its rule is also {@link MucConfigChecker}'s. */
    static DomainBareJid domainOf(String subdomain, ServerInfo server) {
        try {
            return JidCreate.domainBareFrom(subdomain + "." + server.domain());
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("key 'subdomain': " + subdomain + "." + server.domain() + " is not a domain", e);
        }
    }

    /**
     * A changed limit applies to the next stanza; a changed subdomain moves the service, and the
     * rooms on the old one are closed with a destroy notice (persistent ones stay stored under
     * their old address). A value that cannot work is refused
     * and the previous settings stay.
     */
    @Modified
    void modified(MucConfig config) {
        MucSettings next;
        try {
            next = MucSettings.from(config);
            domainOf(next.subdomain());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new multi-user chat configuration ({}): {}; the previous one stays in force",
                    MucConfig.PID, e.getMessage());
            return;
        }
        synchronized (this) {
            if (next.subdomain().equals(service.settings().subdomain())) {
                service.settings(next);
                LOG.info("Multi-user chat settings applied: {}", next);
                return;
            }
            LOG.info("Multi-user chat moves from {} to {}.{}; its rooms are closed", service.domain(), next.subdomain(), server.domain());
        }
        unregister();
        synchronized (this) {
            service.releaseAll();
            for (Room room : List.copyOf(service.allRooms())) {
                service.destroy(room, null, false);
            }
            start(next);
        }
    }

    /**
     * Takes the component out of routing. Not under this object's lock: routing waits for a call
     * in progress to finish before unregistering returns, and that call needs the lock.
     */
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

    /**
     * Routing holds the component's stanzas from the moment it is unregistered; then the rooms,
     * their occupants and history go to the successor (an upgrade of this bundle, or a restart on
     * a new database), which registers after taking them.
     */
    @Deactivate
    void deactivate() {
        unregister();
        // What rooms said just before is held until its history row is stored: let those writes finish (not under
        // the lock: their completions need it to send what waited), then nothing is left waiting.
        try {
            store.idle().toCompletableFuture().get(DRAIN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("The rooms' writes did not finish within {} s of stopping", DRAIN_SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("A room's write failed while stopping", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            int released = service.releaseAll();
            if (released > 0) {
                LOG.warn("{} stanza(s) of rooms went out before their history was known to be stored: the database was late", released);
            }
            handoff.deposit(HANDOFF_KEY, RoomSnapshots.snapshot(service));
            handedOver = true;
        }
    }

    /** How long stopping waits for the rooms' writes in progress. */
    private static final int DRAIN_SECONDS = 10;

    // Routing is upgraded live: it comes and goes without restarting this component. It is bound after
    // this component registered (and after a successor began receiving what routing held for it),
    // so what the rooms send meanwhile waits here, in order, and goes out when routing is bound.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRouter")
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

    // ---- the operator's view (RoomAdministration), under the same lock as the stanzas rooms receive ----

    @Override
    public synchronized String domain() {
        return service.domain().toString();
    }

    @Override
    public synchronized List<RoomSummary> rooms() {
        if (handedOver) {
            return List.of();
        }
        List<RoomSummary> result = new ArrayList<>();
        for (Room room : service.allRooms()) {
            result.add(summary(room));
        }
        result.sort(Comparator.comparing(RoomSummary::jid));
        return result;
    }

    @Override
    public synchronized Optional<RoomSummary> room(String roomJid) {
        return find(roomJid).map(MucComponent::summary);
    }

    @Override
    public synchronized Optional<List<OccupantSummary>> occupants(String roomJid) {
        return find(roomJid).map(room -> {
            List<OccupantSummary> result = new ArrayList<>();
            for (Occupant o : room.occupants()) {
                result.add(new OccupantSummary(o.nick(), o.jid().toString(), o.role().xmlName(),
                        room.affiliation(o.jid().asBareJid()).xmlName()));
            }
            return result;
        });
    }

    @Override
    public synchronized boolean destroy(String roomJid, String reason) {
        Optional<Room> room = find(roomJid);
        if (room.isEmpty()) {
            return false;
        }
        Element.Builder notice = Element.builder("destroy", Muc.USER);
        if (reason != null && !reason.isBlank()) {
            notice.textChild("reason", reason);
        }
        service.destroy(room.get(), notice.build());
        LOG.info("Room {} destroyed by an operator{}", roomJid, reason == null || reason.isBlank() ? "" : ": " + reason);
        return true;
    }

    private Optional<Room> find(String roomJid) {
        if (handedOver || roomJid == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(service.rooms().get(JidCreate.entityBareFrom(roomJid)));
        } catch (XmppStringprepException e) {
            return Optional.empty();
        }
    }

    private static RoomSummary summary(Room room) {
        RoomConfig c = room.config();
        return new RoomSummary(room.jid().toString(), c.name(), c.description(), c.persistent(), c.publicRoom(), c.membersOnly(),
                c.moderated(), c.passwordProtected(), room.locked(), room.occupants().size());
    }

    /** Routing calls this on the component's ordered executor, one stanza at a time. */
    /** A deleted account keeps no affiliation: created again, it owns and belongs to no room. */
    @Override
    public synchronized void deleted(EntityBareJid account) {
        if (handedOver || service == null) {
            return;
        }
        int rooms = service.accountDeleted(account);
        if (rooms > 0) {
            LOG.info("The deleted account {} lost its affiliation with {} room(s)", account, rooms);
        }
    }

    private synchronized void receive(Stanza stanza) {
        if (handedOver) {
            // Routing lets no call in after the component left, and waits for calls in progress; past
            // its patience (the grace period) a late call can still come: the stanza goes back to
            // routing, which holds it for the successor, rather than into rooms already handed over.
            route(stanza);
            return;
        }
        service.receive(stanza);
    }

    private void route(Stanza stanza) {
        StanzaRouter r;
        synchronized (pending) {
            r = router;
            if (r == null) {
                if (pending.size() < MAX_PENDING) {
                    pending.add(stanza);
                } else {
                    LOG.warn("No routing service for long: a {} from {} to {} is dropped", stanza.kind().xmlName(), stanza.from(), stanza.to());
                }
                return;
            }
        }
        r.route(stanza);
    }
}
