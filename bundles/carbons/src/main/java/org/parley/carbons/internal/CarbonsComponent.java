package org.parley.carbons.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message carbons (XEP-0280): a resource enables them, and from then on gets a copy of each chat
 * its user sends from another resource ({@code sent}) or receives on another one
 * ({@code received}), so the phone and the laptop show the same conversation. Copies go straight
 * to the user's own sessions as routing passes the original (an interceptor that changes nothing).
 *
 * <p>The only state is which sessions enabled carbons; it goes to the next version of this bundle
 * through the state handoff, so an upgrade turns nobody's carbons off.
 */
@Component(service = {IqHandler.class, StanzaInterceptor.class, SessionListener.class}, immediate = true, property = {
        IqHandler.NAMESPACE + "=" + Carbons.NAMESPACE, StanzaInterceptor.KINDS + "=message"})
public final class CarbonsComponent implements IqHandler, StanzaInterceptor, SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(CarbonsComponent.class);
    static final String HANDOFF_KEY = "org.parley.carbons";
    static final int HANDOFF_FORMAT = 1;

    private final StateHandoff handoff;
    /** Sessions (by id) with carbons enabled. */
    private final Set<String> enabled = ConcurrentHashMap.newKeySet();
    /** Set when state was taken over: ids of sessions that ended meanwhile are dropped once the registry is known. */
    private volatile boolean pruneOnRegistry;
    private volatile SessionRegistry registry;

    @Activate
    public CarbonsComponent(@Reference StateHandoff handoff) {
        this.handoff = handoff;
        handoff.take(HANDOFF_KEY).ifPresent(this::takeOver);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        registry = r;
        if (pruneOnRegistry) {
            pruneOnRegistry = false;
            Set<String> bound = new HashSet<>();
            for (Session s : r.all()) {
                bound.add(s.id());
            }
            enabled.retainAll(bound);
        }
    }

    void unsetRegistry(SessionRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    // ---- enable and disable (section 4, 5) ----

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (origin == null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        Jid to = iq.to();
        if (to != null && to.hasLocalpart() && !to.equals(origin.bareJid())) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "only for your own resources"));
        }
        String name = iq.payload().name();
        if (!"set".equals(iq.type()) || !name.equals("enable") && !name.equals("disable")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST,
                    "carbons are turned on with <enable/> and off with <disable/>, in an iq set"));
        }
        if (name.equals("enable")) {
            enabled.add(origin.id());
        } else {
            enabled.remove(origin.id());
        }
        return CompletableFuture.completedFuture(iq.resultReply(null));
    }

    // ---- copies (section 6, 7) ----

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza message, Interception interception) {
        SessionRegistry r = registry;
        if (r != null && !enabled.isEmpty() && Carbons.eligible(message)) {
            EntityBareJid account = interception.account();
            if (interception.direction() == Direction.OUTBOUND) {
                sent(message, account, interception.origin(), r.sessions(account));
            } else {
                received(message, account, r.sessions(account));
            }
        }
        return CompletableFuture.completedFuture(InterceptResult.proceed(message));
    }

    /** What one resource sends goes to the user's other resources that enabled carbons. */
    private void sent(Stanza message, EntityBareJid account, Session origin, List<Session> sessions) {
        if (origin == null || message.to() != null && message.to().asBareJid().equals(account)) {
            return; // to the user's own account: its resources get it, or a received copy, on the way in
        }
        for (Session s : sessions) {
            if (s != origin && enabled.contains(s.id())) {
                s.deliver(Carbons.copy("sent", message, account, s.jid()));
            }
        }
    }

    /** What the user receives goes to each resource that enabled carbons and does not get the original. */
    private void received(Stanza message, EntityBareJid account, List<Session> sessions) {
        if (sessions.isEmpty()) {
            return;
        }
        List<Session> receivers = Carbons.receivers(message, sessions);
        if (receivers.isEmpty()) {
            return; // kept offline: the copy comes with the original at the next sign-in
        }
        for (Session s : sessions) {
            if (enabled.contains(s.id()) && !receivers.contains(s)) {
                s.deliver(Carbons.copy("received", message, account, s.jid()));
            }
        }
    }

    // ---- sessions and upgrades ----

    @Override
    public void ended(Session session) {
        enabled.remove(session.id());
    }

    private void takeOver(Map<String, Object> snapshot) {
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The carbons state handed over has format {}, not {}; starting without it", snapshot.get("format"), HANDOFF_FORMAT);
            return;
        }
        if (snapshot.get("enabled") instanceof List<?> ids) {
            for (Object id : ids) {
                if (id instanceof String s) {
                    enabled.add(s);
                }
            }
        }
        pruneOnRegistry = true;
        LOG.info("Took over the carbons state: {} resources with carbons enabled", enabled.size());
    }

    @Deactivate
    void deactivate() {
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "enabled", List.copyOf(enabled)));
    }

    /** For tests: the element a client sends to turn carbons on or off. */
    static Element command(boolean enable) {
        return Element.empty(enable ? "enable" : "disable", Carbons.NAMESPACE);
    }
}
