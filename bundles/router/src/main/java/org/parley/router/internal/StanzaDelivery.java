package org.parley.router.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.routing.Component;
import org.parley.api.routing.MessageInterceptor;
import org.parley.api.routing.PresenceInterceptor;
import org.parley.api.routing.RemoteRouter;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The routing rules of RFC 6120 section 10 and RFC 6121 section 8 for what exists today: the
 * server itself (iq handlers), local accounts and their sessions, components, and other domains
 * through a {@link RemoteRouter} when one is registered (remote-server-not-found otherwise).
 */
final class StanzaDelivery implements StanzaRouter {
    private final SessionTable sessions;
    private final IqDispatcher iqs;
    private final Interceptors<MessageInterceptor> messageInterceptors;
    private final Interceptors<PresenceInterceptor> presenceInterceptors;
    private final Map<DomainBareJid, Component> components = new ConcurrentHashMap<>();
    private volatile DomainBareJid domain;
    private volatile RemoteRouter remote;

    StanzaDelivery(DomainBareJid domain, SessionTable sessions, IqDispatcher iqs,
            Interceptors<MessageInterceptor> messageInterceptors, Interceptors<PresenceInterceptor> presenceInterceptors) {
        this.domain = domain;
        this.sessions = sessions;
        this.iqs = iqs;
        this.messageInterceptors = messageInterceptors;
        this.presenceInterceptors = presenceInterceptors;
    }

    DomainBareJid domain() {
        return domain;
    }

    void setDomain(DomainBareJid domain) {
        this.domain = domain;
    }

    void setRemoteRouter(RemoteRouter router) {
        this.remote = router;
    }

    RemoteRouter remoteRouter() {
        return remote;
    }

    void addComponent(DomainBareJid componentDomain, Component component) {
        components.put(componentDomain, component);
    }

    void removeComponent(DomainBareJid componentDomain, Component component) {
        components.remove(componentDomain, component);
    }

    /** A stanza the server originates (a handler's answer, a notification). */
    @Override
    public void route(Stanza stanza) {
        routeFrom(stanza, null);
    }

    /** A stanza from a client session (its {@code from} already stamped) or, with a null origin, from the server. */
    void routeFrom(Stanza stanza, Session origin) {
        Stanza s = stanza;
        switch (s.kind()) {
            case MESSAGE -> s = messageInterceptors.apply(s, origin);
            case PRESENCE -> s = presenceInterceptors.apply(s, origin);
            case IQ -> {
            }
        }
        if (s != null) {
            deliver(s, origin);
        }
    }

    private void deliver(Stanza stanza, Session origin) {
        Jid to = stanza.to();
        if (to == null) {
            toOwnAccount(stanza, origin);
            return;
        }
        DomainBareJid toDomain = to.asDomainBareJid();
        if (!toDomain.equals(domain)) {
            Component component = components.get(toDomain);
            if (component != null) {
                component.receive(stanza);
                return;
            }
            RemoteRouter federation = remote;
            if (federation == null || !federation.route(toDomain, stanza)) {
                bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            }
            return;
        }
        EntityBareJid account = to.asEntityBareJidIfPossible();
        if (account == null) {
            toServer(stanza, origin);
        } else if (to.hasResource()) {
            toFullJid(stanza, to.asEntityFullJidIfPossible(), origin);
        } else {
            toBareJid(stanza, account, origin);
        }
    }

    /** No 'to': the stanza is for the sender's own account (RFC 6120 section 10.3). */
    private void toOwnAccount(Stanza stanza, Session origin) {
        switch (stanza.kind()) {
            case IQ -> toServer(stanza, origin);
            // Presence without 'to' is a broadcast; the availability was recorded by the stream
            // and the presence interceptors (roster) already did the broadcasting.
            case PRESENCE -> {
            }
            case MESSAGE -> {
                if (stanza.from() != null && stanza.from().asEntityBareJidIfPossible() != null) {
                    toBareJid(stanza, stanza.from().asEntityBareJidIfPossible(), origin);
                }
            }
        }
    }

    /** To the domain itself (or an account's bare JID, for iqs): the server answers. */
    private void toServer(Stanza stanza, Session origin) {
        if (stanza.kind() != Stanza.Kind.IQ) {
            // RFC 6120 section 10.3.3 leaves messages and presence to the server to the server's
            // discretion; there is nothing here that takes them.
            return;
        }
        if (stanza.isIqRequest()) {
            iqs.dispatch(stanza, origin, this::route);
        }
        // Results and errors addressed to the server answer nothing we asked.
    }

    private void toFullJid(Stanza stanza, EntityFullJid to, Session origin) {
        Session target = sessions.session(to);
        if (target != null) {
            target.deliver(stanza);
            return;
        }
        // RFC 6121 section 8.5.3.2: no such resource.
        switch (stanza.kind()) {
            case MESSAGE -> {
                String type = stanza.type();
                if (type == null || "normal".equals(type) || "chat".equals(type)) {
                    toBareJid(stanza, to.asEntityBareJid(), origin);
                } else if ("groupchat".equals(type)) {
                    bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
                // headline and error: silently dropped
            }
            case PRESENCE -> {
            }
            case IQ -> {
                if (stanza.isIqRequest()) {
                    bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
            }
        }
    }

    private void toBareJid(Stanza stanza, EntityBareJid account, Session origin) {
        switch (stanza.kind()) {
            case IQ -> toServer(stanza, origin);
            case MESSAGE -> messageToAccount(stanza, account);
            case PRESENCE -> presenceToAccount(stanza, account);
        }
    }

    /**
     * RFC 6121 section 8.5.2: a message to a bare JID goes to the available resource(s) of highest
     * non-negative priority; headlines go to all non-negative ones.
     */
    private void messageToAccount(Stanza stanza, EntityBareJid account) {
        Session[] candidates = sessions.sessionArray(account);
        String type = stanza.type();
        boolean headline = "headline".equals(type);
        int best = Integer.MIN_VALUE;
        for (Session s : candidates) {
            if (s.isAvailable() && s.priority() >= 0 && s.priority() > best) {
                best = s.priority();
            }
        }
        if (best == Integer.MIN_VALUE) {
            if ("groupchat".equals(type) || type == null || "normal".equals(type) || "chat".equals(type)) {
                // No offline storage yet: tell the sender rather than lose the message silently.
                bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return;
        }
        for (Session s : candidates) {
            if (s.isAvailable() && s.priority() >= 0 && (headline || s.priority() == best)) {
                s.deliver(stanza);
            }
        }
    }

    /** Directed presence to an account: every available resource gets it (RFC 6121 section 4.6). */
    private void presenceToAccount(Stanza stanza, EntityBareJid account) {
        String type = stanza.type();
        if (type != null && !"unavailable".equals(type)) {
            // Subscriptions and probes belong to the roster, which intercepts them when present.
            return;
        }
        for (Session s : sessions.sessionArray(account)) {
            if (s.isAvailable()) {
                s.deliver(stanza);
            }
        }
    }

    /** Answers a stanza with an error, unless it is one (never answer an error with an error). */
    void bounce(Stanza stanza, StanzaErrorCondition condition) {
        if (stanza.isError() || (stanza.isIq() && !stanza.isIqRequest()) || stanza.from() == null) {
            return;
        }
        Stanza error = stanza.errorReply(condition, null);
        if (error.from() == null) {
            error = error.withFrom(domain);
        }
        deliver(error, null);
    }
}
