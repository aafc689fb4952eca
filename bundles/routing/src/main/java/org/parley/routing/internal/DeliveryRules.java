package org.parley.routing.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.RemoteRouter;
import org.parley.api.routing.StanzaInterceptor.Direction;
import org.parley.api.routing.StanzaInterceptor.Interception;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.concurrent.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery rules of RFC 6120 section 10 and RFC 6121 section 8: to the server (iq handlers),
 * to local accounts and their sessions, to components, and to other domains through a
 * {@link RemoteRouter}. Outbound interceptors run for a local sender, inbound ones for a local
 * recipient, delivery filters for each receiving session. Holds no per-user state.
 *
 * <p>Every path returns a stage that completes when the server has taken responsibility for the
 * stanza (queued for its recipients, handed to a component or handler and answered, stored, or
 * bounced). The common paths (no interceptor, a recipient online) complete synchronously and
 * allocate no stage.
 */
final class DeliveryRules {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRules.class);
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Supplier<DomainBareJid> domain;
    private final LocalSessions sessions;
    private final IqDispatcher iqs;
    private final Interceptors interceptors;
    private final DeliveryFilters filters;
    private final Components components;
    private final Accounts accounts;
    private final Undeliverables undeliverables;
    /** Takes work routing goes on with after it answered the caller (it counts it in flight until done). */
    private final Consumer<CompletionStage<Void>> background;
    private volatile RemoteRouter remote;
    private final PairLines lines = new PairLines();
    private final Function<Stanza, CompletionStage<Void>> deliverOriginated = s -> deliver(s, null);

    DeliveryRules(Supplier<DomainBareJid> domain, LocalSessions sessions, IqDispatcher iqs, Interceptors interceptors,
            DeliveryFilters filters, Components components, Accounts accounts, Undeliverables undeliverables,
            Consumer<CompletionStage<Void>> background) {
        this.domain = domain;
        this.sessions = sessions;
        this.iqs = iqs;
        this.interceptors = interceptors;
        this.filters = filters;
        this.components = components;
        this.accounts = accounts;
        this.undeliverables = undeliverables;
        this.background = background;
    }

    void setRemoteRouter(RemoteRouter router) {
        this.remote = router;
    }

    RemoteRouter remoteRouter() {
        return remote;
    }

    // ---- entry points ----

    /** A stanza a local client sent, {@code from} stamped with its full JID. */
    CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        if (interceptors.isEmpty()) {
            return deliver(stanza, origin);
        }
        CompletionStage<InterceptResult> chain = interceptors.apply(stanza, new Interception(Direction.OUTBOUND, origin.bareJid(), origin));
        InterceptResult now = decidedNow(chain);
        if (now != null) {
            return isStopped(now, stanza) ? DONE : deliver(now.stanza(), origin);
        }
        return chain.thenCompose(r -> proceed(r, stanza, s -> deliver(s, origin)));
    }

    /** A stanza the server, a handler or a component originates: in order per sender and recipient (see {@link PairLines}). */
    CompletionStage<Void> route(Stanza stanza) {
        return lines.route(stanza, deliverOriginated);
    }

    /** What a session received but its client never acknowledged (XEP-0198): offline storage, or the RFC answer. */
    CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        if (message.kind() != Stanza.Kind.MESSAGE) {
            return DONE;
        }
        return undeliverables.offer(message, account).thenCompose(taken -> {
            if (!taken && isStorable(message)) {
                bounce(message, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return DONE;
        });
    }

    /** Continues with an interceptor's decision: the stanza it passed on, or stop (and answer a refusal). */
    private CompletionStage<Void> proceed(InterceptResult r, Stanza original, Function<Stanza, CompletionStage<Void>> next) {
        return isStopped(r, original) ? DONE : next.apply(r.stanza());
    }

    /** True when the decision stops the stanza (a refusal is answered here). */
    private boolean isStopped(InterceptResult r, Stanza original) {
        if (r.isRefused()) {
            bounce(original, r.refusal(), r.refusalText());
            return true;
        }
        return r.isConsumed();
    }

    /**
     * The chain's decision when it is already made (every interceptor answered synchronously, the
     * common case), else null: the caller then goes on without composing a stage and a lambda per
     * stanza. A chain that failed is left to the stage path, which reports it as before.
     */
    private static InterceptResult decidedNow(CompletionStage<InterceptResult> chain) {
        return Stages.isDoneNormally(chain) ? chain.toCompletableFuture().getNow(null) : null;
    }

    // ---- addressing ----

    private CompletionStage<Void> deliver(Stanza stanza, Session origin) {
        return deliver(stanza, origin, true);
    }

    /**
     * @param intercept false for the errors routing itself answers with: the sender's own policy
     *     must not hide from it that its stanza failed (RFC 6120 section 8.3: the error goes back)
     */
    private CompletionStage<Void> deliver(Stanza stanza, Session origin, boolean intercept) {
        Jid to = stanza.to();
        if (to == null) {
            return toOwnAccount(stanza, origin);
        }
        DomainBareJid toDomain = to.asDomainBareJid();
        if (!toDomain.equals(domain.get())) {
            return toOtherDomain(stanza, toDomain);
        }
        EntityBareJid account = to.asEntityBareJidIfPossible();
        if (account == null) {
            return toServer(stanza, origin);
        }
        return intercept ? toLocalUser(stanza, account, origin) : toAccount(stanza, account, origin);
    }

    /** No 'to': the stanza is for the sender's own account (RFC 6120 section 10.3). */
    private CompletionStage<Void> toOwnAccount(Stanza stanza, Session origin) {
        return switch (stanza.kind()) {
            case IQ -> toServer(stanza, origin);
            // Presence without 'to' is a broadcast: the session core recorded it, and the
            // outbound presence interceptors (the roster) did the broadcasting.
            case PRESENCE -> DONE;
            case MESSAGE -> {
                EntityBareJid own = stanza.from() == null ? null : stanza.from().asEntityBareJidIfPossible();
                yield own == null ? DONE : toLocalUser(stanza, own, origin);
            }
        };
    }

    private CompletionStage<Void> toOtherDomain(Stanza stanza, DomainBareJid toDomain) {
        if (components.serves(toDomain)) {
            components.deliver(toDomain, stanza);
            return DONE;
        }
        RemoteRouter federation = remote;
        boolean taken;
        try {
            taken = federation != null && federation.route(toDomain, stanza);
        } catch (RuntimeException e) {
            LOG.error("Federation failed on a stanza for {}", toDomain, e);
            taken = false;
        }
        if (!taken) {
            bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
        }
        return DONE;
    }

    /** To the domain itself, or an iq to an account's bare JID: the server answers. */
    private CompletionStage<Void> toServer(Stanza stanza, Session origin) {
        if (!stanza.isIqRequest()) {
            // Results and errors addressed to the server answer nothing it asked; RFC 6120 section
            // 10.3.3 leaves messages and presence to the server to its discretion: none is taken.
            return DONE;
        }
        return iqs.dispatch(stanza, origin).thenCompose(this::route);
    }

    private CompletionStage<Void> toLocalUser(Stanza stanza, EntityBareJid account, Session origin) {
        if (interceptors.isEmpty()) {
            return toAccount(stanza, account, origin);
        }
        CompletionStage<InterceptResult> chain = interceptors.apply(stanza, new Interception(Direction.INBOUND, account, origin));
        InterceptResult now = decidedNow(chain);
        if (now != null) {
            return isStopped(now, stanza) ? DONE : toAccount(now.stanza(), account, origin);
        }
        return chain.thenCompose(r -> proceed(r, stanza, s -> toAccount(s, account, origin)));
    }

    private CompletionStage<Void> toAccount(Stanza stanza, EntityBareJid account, Session origin) {
        Jid to = stanza.to();
        if (to != null && to.hasResource()) {
            return toFullJid(stanza, to.asEntityFullJidIfPossible(), origin);
        }
        return toBareJid(stanza, account, origin);
    }

    // ---- local sessions ----

    private CompletionStage<Void> toFullJid(Stanza stanza, EntityFullJid to, Session origin) {
        SessionRegistry registry = sessions.enter();
        if (registry == null) {
            return heldForSessions(sessions.await().thenCompose(r -> r == null ? noSuchResource(stanza, to, origin)
                    : toFullJid(stanza, to, origin)));
        }
        try {
            Session target = registry.session(to);
            if (target != null) {
                filters.deliver(stanza, target);
                return DONE;
            }
        } finally {
            sessions.exit();
        }
        return noSuchResource(stanza, to, origin);
    }

    /**
     * The session directory is being replaced (the session core is upgraded): routing holds the
     * stanza until the successor's directory arrives, and has taken responsibility for it now. The
     * sender's stream must not wait for it: the outgoing core waits for its streams to finish before
     * it hands them over, and its successor, which the held stanza waits for, comes only after that.
     */
    private CompletionStage<Void> heldForSessions(CompletionStage<Void> delivery) {
        background.accept(delivery);
        return DONE;
    }

    /** RFC 6121 section 8.5.3.2: the resource is not bound. */
    private CompletionStage<Void> noSuchResource(Stanza stanza, EntityFullJid to, Session origin) {
        switch (stanza.kind()) {
            case MESSAGE -> {
                String type = stanza.type();
                if (type == null || "normal".equals(type) || "chat".equals(type)) {
                    return toBareJid(stanza, to.asEntityBareJid(), origin);
                }
                if ("groupchat".equals(type)) {
                    bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
                // headline and error: silently dropped
            }
            case PRESENCE -> {
            }
            case IQ -> bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
        return DONE;
    }

    private CompletionStage<Void> toBareJid(Stanza stanza, EntityBareJid account, Session origin) {
        SessionRegistry registry = sessions.enter();
        if (registry == null) {
            return heldForSessions(sessions.await().thenCompose(r -> r == null ? toAccountWithoutSessions(stanza, account, origin)
                    : toBareJid(stanza, account, origin)));
        }
        try {
            List<Session> candidates = registry.sessions(account);
            if (!candidates.isEmpty()) {
                return toSessionsOf(stanza, account, candidates, origin);
            }
        } finally {
            sessions.exit();
        }
        return toAccountWithoutSessions(stanza, account, origin);
    }

    /** The account has bound sessions (so it exists). */
    private CompletionStage<Void> toSessionsOf(Stanza stanza, EntityBareJid account, List<Session> candidates, Session origin) {
        switch (stanza.kind()) {
            case IQ -> {
                return toServer(stanza, origin);
            }
            case PRESENCE -> {
                presenceToSessions(stanza, candidates);
                return DONE;
            }
            default -> {
                return messageToSessions(stanza, account, candidates);
            }
        }
    }

    /**
     * RFC 6121 section 8.5.2: a message to a bare JID goes to the available resource(s) of highest
     * non-negative priority; headlines to all non-negative ones. With none, a chat or normal message
     * goes to the undeliverable-message hook (offline storage).
     */
    private CompletionStage<Void> messageToSessions(Stanza stanza, EntityBareJid account, List<Session> candidates) {
        boolean headline = "headline".equals(stanza.type());
        int best = Integer.MIN_VALUE;
        for (int i = 0, n = candidates.size(); i < n; i++) {
            Session s = candidates.get(i);
            if (s.isAvailable() && s.priority() >= 0 && s.priority() > best) {
                best = s.priority();
            }
        }
        if (best == Integer.MIN_VALUE) {
            return noAvailableResource(stanza, account);
        }
        for (int i = 0, n = candidates.size(); i < n; i++) {
            Session s = candidates.get(i);
            if (s.isAvailable() && s.priority() >= 0 && (headline || s.priority() == best)) {
                filters.deliver(stanza, s);
            }
        }
        return DONE;
    }

    /** Directed presence to an account: every available resource gets it (RFC 6121 section 4.6). */
    private void presenceToSessions(Stanza stanza, List<Session> candidates) {
        String type = stanza.type();
        if (type != null && !"unavailable".equals(type)) {
            // Subscriptions and probes are the roster's, which intercepts them when installed.
            return;
        }
        for (int i = 0, n = candidates.size(); i < n; i++) {
            Session s = candidates.get(i);
            if (s.isAvailable()) {
                filters.deliver(stanza, s);
            }
        }
    }

    /** No session is bound for the account: does it exist at all (RFC 6121 section 8.5.1)? */
    private CompletionStage<Void> toAccountWithoutSessions(Stanza stanza, EntityBareJid account, Session origin) {
        if (stanza.kind() == Stanza.Kind.PRESENCE) {
            return DONE; // unavailable account or nonexistent: presence is silently ignored either way
        }
        if (stanza.kind() == Stanza.Kind.MESSAGE && !isStorable(stanza)) {
            return noAvailableResource(stanza, account);
        }
        return accounts.exists(account.getLocalpart().toString()).thenCompose(exists -> {
            if (!exists) {
                // RFC 6121 section 8.5.1: no such account; never answer for it.
                if (stanza.isIqRequest() || stanza.kind() == Stanza.Kind.MESSAGE) {
                    bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
                return DONE;
            }
            return stanza.kind() == Stanza.Kind.IQ ? toServer(stanza, origin) : noAvailableResource(stanza, account);
        });
    }

    /** RFC 6121 section 8.5.2.2: an existing account with no available resource. */
    private CompletionStage<Void> noAvailableResource(Stanza stanza, EntityBareJid account) {
        String type = stanza.type();
        if ("groupchat".equals(type)) {
            bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            return DONE;
        }
        if (!isStorable(stanza)) {
            return DONE; // headline and error: silently dropped
        }
        return undeliverables.offer(stanza, account).thenCompose(taken -> {
            if (!taken) {
                bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return DONE;
        });
    }

    /** Chat and normal messages are the ones offline storage may keep (XEP-0160). */
    private static boolean isStorable(Stanza message) {
        String type = message.type();
        return type == null || "normal".equals(type) || "chat".equals(type);
    }

    // ---- errors ----

    void bounce(Stanza stanza, StanzaErrorCondition condition) {
        bounce(stanza, condition, null);
    }

    /** Answers a stanza with an error, unless it is one (never answer an error with an error). */
    void bounce(Stanza stanza, StanzaErrorCondition condition, String text) {
        if (stanza.isError() || (stanza.isIq() && !stanza.isIqRequest()) || stanza.from() == null) {
            return;
        }
        Stanza error = stanza.errorReply(condition, text);
        if (error.from() == null) {
            error = error.withFrom(domain.get());
        }
        deliver(error, null, false).whenComplete((r, e) -> {
            if (e != null) {
                LOG.error("An error reply could not be routed: {}", e.toString());
            }
        });
    }
}
