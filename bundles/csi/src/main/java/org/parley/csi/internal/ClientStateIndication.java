package org.parley.csi.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.routing.DeliveryFilter;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client state indication (XEP-0352): a client says it is inactive (a phone's screen is off) and
 * the server stops waking it for what can wait, presence updates and chat states, keeping only
 * the latest of each per sender. Everything else goes at once, taking what waits with it in
 * order before it; {@code <active/>} delivers what waits.
 *
 * <p>The filter ranks last, so what it holds has passed every other filter, and it delivers what
 * it held itself (under the client's lock, so a stanza passing meanwhile never overtakes one of
 * the same sender that waited). At an upgrade this version delivers what it held and hands over
 * which clients are inactive: nothing waits across the swap, and no client is woken for good.
 */
@Component(service = {StreamFeature.class, DeliveryFilter.class, SessionListener.class}, immediate = true, property = {
        StreamFeature.NAMESPACE + "=" + ClientStateIndication.NAMESPACE, "service.ranking:Integer=-1000"})
public final class ClientStateIndication implements StreamFeature, DeliveryFilter, SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClientStateIndication.class);
    static final String NAMESPACE = "urn:xmpp:csi:0";
    static final String HANDOFF_KEY = "org.parley.csi";
    static final int HANDOFF_FORMAT = 1;
    /** Past this many held stanzas a client gets them all: holding is for saving wake-ups, not for hoarding. */
    static final int MAX_HELD = 256;

    /** One client that said it is inactive (removed again when it is active with nothing held). */
    private static final class ClientState {
        boolean inactive = true;
        final HeldStanzas held = new HeldStanzas();
    }

    private final StateHandoff handoff;
    private final Map<String, ClientState> states = new ConcurrentHashMap<>();
    /** The sessions of held stanzas, for delivering them at deactivation. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile boolean pruneOnRegistry;

    @Activate
    public ClientStateIndication(@Reference StateHandoff handoff) {
        this.handoff = handoff;
        handoff.take(HANDOFF_KEY).ifPresent(this::takeOver);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        if (pruneOnRegistry) {
            pruneOnRegistry = false;
            Set<String> bound = new HashSet<>();
            for (Session s : r.all()) {
                bound.add(s.id());
            }
            states.keySet().retainAll(bound);
        }
    }

    void unsetRegistry(SessionRegistry r) {
        // nothing kept of it
    }

    // ---- the stream feature ----

    @Override
    public Element advertise(StreamContext stream) {
        return stream.username() == null ? null : Element.empty("csi", NAMESPACE); // offered once authenticated
    }

    @Override
    public CompletionStage<Void> handle(Element nonza, StreamContext stream) {
        Session session = stream.session();
        switch (nonza.name()) {
            case "inactive" -> {
                if (session != null) {
                    ClientState state = states.computeIfAbsent(session.id(), id -> new ClientState());
                    synchronized (state) {
                        state.inactive = true;
                    }
                    sessions.put(session.id(), session);
                }
            }
            case "active" -> {
                if (session != null) {
                    ClientState state = states.get(session.id());
                    if (state != null) {
                        synchronized (state) {
                            state.inactive = false;
                            deliverHeld(state, session);
                            states.remove(session.id(), state);
                        }
                    }
                    sessions.remove(session.id());
                }
            }
            default -> stream.close(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE,
                    "client state indication has <active/> and <inactive/>, not <" + nonza.name() + "/>");
        }
        return CompletableFuture.completedFuture(null);
    }

    // ---- the filter ----

    @Override
    public Stanza filter(Stanza stanza, Session recipient) {
        ClientState state = states.get(recipient.id());
        if (state == null) {
            return stanza;
        }
        synchronized (state) {
            if (state.inactive && HeldStanzas.canWait(stanza)) {
                state.held.hold(stanza);
                sessions.putIfAbsent(recipient.id(), recipient);
                if (state.held.size() >= MAX_HELD) {
                    deliverHeld(state, recipient);
                }
                return null;
            }
            deliverHeld(state, recipient); // what waited goes first, then this one
            return stanza;
        }
    }

    /** Under the state's lock. */
    private static void deliverHeld(ClientState state, Session session) {
        for (Stanza s : state.held.takeAll()) {
            session.deliver(s);
        }
    }

    // ---- sessions and upgrades ----

    @Override
    public void ended(Session session) {
        states.remove(session.id());
        sessions.remove(session.id());
    }

    private void takeOver(Map<String, Object> snapshot) {
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The client state handed over has format {}, not {}; every client counts as active", snapshot.get("format"),
                    HANDOFF_FORMAT);
            return;
        }
        if (snapshot.get("inactive") instanceof List<?> ids) {
            for (Object id : ids) {
                if (id instanceof String s) {
                    states.put(s, new ClientState());
                }
            }
        }
        pruneOnRegistry = true;
        LOG.info("Took over the client state: {} inactive clients", states.size());
    }

    /** Delivers what is held (nothing may wait across the swap) and hands over who is inactive. */
    @Deactivate
    void deactivate() {
        List<String> inactive = new ArrayList<>();
        states.forEach((id, state) -> {
            synchronized (state) {
                Session session = sessions.get(id);
                if (session != null) {
                    deliverHeld(state, session);
                }
                if (state.inactive) {
                    inactive.add(id);
                }
            }
        });
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "inactive", inactive));
    }
}
