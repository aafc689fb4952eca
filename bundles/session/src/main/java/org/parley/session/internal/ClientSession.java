package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.connection.ClientConnection;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.concurrent.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound resource: the {@link Session} routing delivers to. It outlives its connection when the
 * client uses stream management: detached, it keeps its presence and queues what it is sent until
 * the client resumes it on a new connection or the resumption timeout ends it.
 *
 * <p>The stanzas the client sends are processed by {@link #receive} on its stream's ordered
 * executor; presence bookkeeping (availability, priority, last presence, directed presence) is
 * done there before routing. What it is sent goes through its {@link Outbound}.
 */
final class ClientSession implements Session {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    /** What {@link #route} answers when routing took the stanza at once. */
    private static final CompletableFuture<Void> ROUTED = CompletableFuture.completedFuture(null);

    private enum Phase { BOUND, ENDING, ENDED }

    private final StreamServices services;
    private final String id;
    private final EntityFullJid jid;
    private final long boundAt;
    private final String mechanism;
    private final Outbound outbound;

    /** The stream running this session: the connected one, or the last one while detached. */
    private volatile ClientStream stream;
    private volatile InetSocketAddress remoteAddress;
    private volatile boolean secure;
    private volatile boolean available;
    private volatile int priority;
    private volatile Stanza presence;
    /** Copy on write: read by other bundles (roster), changed by this session's stream only. */
    private volatile Set<Jid> directed = Set.of();
    private volatile boolean detached;
    private volatile Phase phase = Phase.BOUND;
    /** Handed over to the core's successor: what still reaches this object is routed again by address. */
    private volatile boolean moved;

    // confined to the stream's executor
    /** Stanzas handled since stream management was enabled (XEP-0198 inbound h); -1 when not enabled. */
    private long handled = -1;
    private String resumptionId;
    private ScheduledFuture<?> resumptionTimeout;

    ClientSession(StreamServices services, ClientStream stream, String id, EntityFullJid jid, long boundAt,
            String mechanism, ClientConnection connection) {
        this.services = services;
        this.stream = stream;
        this.id = id;
        this.jid = jid;
        this.boundAt = boundAt;
        this.mechanism = mechanism;
        this.remoteAddress = connection == null ? null : connection.remoteAddress();
        this.secure = connection != null && connection.isSecure();
        this.outbound = new Outbound(this, connection);
    }

    StreamServices services() {
        return services;
    }

    Outbound outbound() {
        return outbound;
    }

    ClientStream stream() {
        return stream;
    }

    // ---- what the client sends (the stream's executor) ----

    /**
     * Processes one stanza the client sent: checks and stamps its sender, keeps the presence
     * state, and routes it.
     *
     * @return a stage completing when routing has taken responsibility for it
     */
    CompletionStage<?> receive(Stanza stanza) {
        Jid from = stanza.from();
        if (from != null && !from.equals(jid) && !from.equals(jid.asEntityBareJid())) {
            stream.fail(StreamErrorCondition.INVALID_FROM, "from must be your own address");
            return null;
        }
        Stanza s = stanza.withFrom(jid);
        services.traffic().received(s.kind());
        if (Outbound.isReceiptPingAnswer(s) && (s.to() == null || s.to().equals(jid.asDomainBareJid()))) {
            outbound.receiptPingAnswered(s.id());
            return counted(null);
        }
        if (s.kind() == Stanza.Kind.PRESENCE) {
            recordPresence(s);
        }
        if (s.kind() == Stanza.Kind.IQ && s.to() == null && s.isIqRequest()
                && s.payload() != null && s.payload().is("session", Namespaces.SESSION)) {
            // RFC 3921 session establishment: a no-op kept for old clients (RFC 6121 appendix E).
            deliver(s.resultReply(null));
            return counted(null);
        }
        return counted(route(s));
    }

    /** Counts the stanza as handled (XEP-0198) once routing has taken it. */
    private CompletionStage<?> counted(CompletionStage<?> routed) {
        if (handled < 0) {
            return routed;
        }
        if (routed == null || routed == ROUTED) {
            handled = SmCounter.increment(handled);
            return null;
        }
        return routed.handle((r, e) -> {
            handled = SmCounter.increment(handled);
            return null;
        });
    }

    /**
     * Routes a stanza of this session, waiting for routing while it is replaced.
     *
     * @return {@link #ROUTED} when routing took the stanza at once (the common case: no stage
     *     composed per stanza), else a stage completing when it has
     */
    private CompletionStage<?> route(Stanza s) {
        StanzaRouter router = services.router().current(StreamServices.ROUTER);
        if (router == null) {
            return services.router().await(StreamServices.ROUTER).thenCompose(r -> {
                if (r == null) {
                    refuseUnroutable(s);
                    return CompletableFuture.<Void>completedFuture(null);
                }
                return routeWith(r, s);
            }).exceptionally(e -> routingFailed(s, e));
        }
        CompletionStage<Void> routed = routeWith(router, s);
        if (Stages.isDoneNormally(routed)) {
            return ROUTED;
        }
        return routed.exceptionally(e -> routingFailed(s, e));
    }

    private CompletionStage<Void> routeWith(StanzaRouter router, Stanza s) {
        try {
            return router.routeFrom(this, s);
        } catch (RuntimeException e) {
            LOG.error("Routing failed on {} from {}", s, jid, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private Void routingFailed(Stanza s, Throwable e) {
        LOG.error("Routing failed on a stanza from {}", jid, e);
        if (s.isIqRequest() || s.kind() == Stanza.Kind.MESSAGE && !s.isError()) {
            deliver(s.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
        }
        return null;
    }

    /** No routing within the grace period: the sender learns it rather than waiting forever (presence is dropped). */
    private void refuseUnroutable(Stanza s) {
        LOG.warn("No routing service within the grace period: refusing a {} from {}", s.kind().xmlName(), jid);
        if (!s.isError() && (s.isIqRequest() || s.kind() == Stanza.Kind.MESSAGE)) {
            deliver(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, "routing is being replaced; try again"));
        }
    }

    /** RFC 6121 sections 4.2, 4.4, 4.5 and 4.6: availability, priority, last presence, directed presence. */
    private void recordPresence(Stanza p) {
        String type = p.type();
        Jid to = p.to();
        if (to != null) {
            if (to.equals(jid.asEntityBareJid()) || to.equals(jid)) {
                return; // to oneself: not directed presence to another entity
            }
            if (type == null) {
                addDirected(to);
            } else if ("unavailable".equals(type)) {
                removeDirected(to);
            }
            return;
        }
        if (type == null) {
            priority = priorityOf(p.element());
            presence = p;
            if (!available) {
                available = true;
                services.lifecycle().available(this, p);
            } else {
                services.lifecycle().presenceChanged(this, p);
            }
        } else if ("unavailable".equals(type)) {
            boolean was = available;
            available = false;
            presence = null;
            sendUnavailableToDirected(p);
            if (was) {
                services.lifecycle().unavailable(this, p);
            }
        }
    }

    private static int priorityOf(Element presence) {
        String p = presence.childText("priority");
        if (p == null) {
            return 0;
        }
        try {
            return Math.max(-128, Math.min(127, Integer.parseInt(p.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void addDirected(Jid to) {
        if (!directed.contains(to)) {
            Set<Jid> next = new HashSet<>(directed);
            next.add(to);
            directed = Set.copyOf(next);
        }
    }

    private void removeDirected(Jid to) {
        if (directed.contains(to)) {
            Set<Jid> next = new HashSet<>(directed);
            next.remove(to);
            directed = Set.copyOf(next);
        }
    }

    /** RFC 6121 section 4.6.3: unavailable to everyone who got directed presence; the set is emptied. */
    private void sendUnavailableToDirected(Stanza unavailable) {
        Set<Jid> targets = directed;
        if (targets.isEmpty()) {
            return;
        }
        directed = Set.of();
        services.router().await(StreamServices.ROUTER).thenAccept(router -> {
            if (router == null) {
                LOG.warn("No routing service: {} entities did not get unavailable presence from {}", targets.size(), jid);
                return;
            }
            for (Jid target : targets) {
                Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attribute("from", jid.toString())
                        .attribute("to", target.toString()).attribute("type", "unavailable");
                Element status = unavailable.element().child("status", Namespaces.CLIENT);
                if (status != null) {
                    b.child(status);
                }
                router.route(Stanza.create(b.build()));
            }
        });
    }

    // ---- stream management on the stream's executor ----

    /**
     * XEP-0198 enable: counting starts both ways. The answer ({@code enabled}, made from the
     * resumption id or null) leaves in the same outbound step that starts counting, so the client's
     * count and ours start at the same stanza.
     */
    CompletionStage<Void> enableStreamManagement(boolean resume, Function<String, Element> answer) {
        handled = 0;
        if (resume && services.settings().get().resumptionEnabled()) {
            resumptionId = services.resumptions().register(this);
        }
        Element enabled = answer.apply(resumptionId);
        return outbound.run(() -> {
            outbound.enableOnLane();
            outbound.sendOnLane(enabled);
        });
    }

    /** A stanza that could not be read was answered with an error: it counts as handled. */
    CompletionStage<?> receiveRefused() {
        return counted(null);
    }

    boolean isStreamManagementEnabled() {
        return handled >= 0;
    }

    long handled() {
        return handled;
    }

    String resumptionId() {
        return resumptionId;
    }

    /** The connection was lost without the client closing its stream: wait to be resumed, or end. */
    void connectionLost() {
        if (phase != Phase.BOUND) {
            return;
        }
        if (resumptionId == null) {
            end("connection lost");
            return;
        }
        detached = true;
        outbound.run(outbound::detachOnLane);
        int timeout = services.settings().get().resumptionTimeoutSeconds();
        ClientStream last = stream;
        resumptionTimeout = services.timer().schedule(() -> last.runOnExecutor(() -> {
            if (detached && stream == last) {
                end("not resumed within " + timeout + " s");
            }
        }), timeout, TimeUnit.SECONDS);
        LOG.debug("{} detached; resumable for {} s", jid, timeout);
        services.lifecycle().detached(this);
    }

    /** The unacknowledged queue of a detached session overflowed: it ends, and what it held is not lost. */
    void resumptionOverflowed() {
        stream.runOnExecutor(() -> end("too many stanzas waited for a resumption"));
    }

    /**
     * A new stream takes this session over (XEP-0198 resumption), on the new stream's executor.
     * The caller has checked the account and the h value. The old connection, if the server still
     * has it, is closed with a conflict error after what it was doing.
     */
    CompletionStage<Void> resumeOn(ClientStream newStream, ClientConnection newConnection, long h) {
        ClientStream old = stream;
        CompletionStage<Void> oldDone = old == newStream ? CompletableFuture.completedFuture(null) : old.retire();
        return oldDone.thenCompose(v -> {
            if (resumptionTimeout != null) {
                resumptionTimeout.cancel(false);
                resumptionTimeout = null;
            }
            stream = newStream;
            remoteAddress = newConnection.remoteAddress();
            secure = newConnection.isSecure();
            detached = false;
            Element resumed = Element.builder("resumed", Namespaces.SM).attribute("h", Long.toString(handled))
                    .attribute("previd", resumptionId).build();
            return outbound.run(() -> outbound.resumeOnLane(newConnection, h, resumed));
        }).thenRun(() -> services.lifecycle().resumed(this));
    }

    boolean isEnded() {
        return phase != Phase.BOUND;
    }

    /**
     * Ends the session (on the stream's executor): unbinds it, sends unavailable presence on the
     * user's behalf if it was available (RFC 6121 section 4.5.3) and to everyone it sent directed
     * presence to, and hands what the client never acknowledged to the undeliverable-message hook.
     */
    void end(String why) {
        if (phase != Phase.BOUND) {
            return;
        }
        phase = Phase.ENDING;
        LOG.debug("Session {} ends: {}", jid, why);
        if (resumptionTimeout != null) {
            resumptionTimeout.cancel(false);
        }
        services.resumptions().remove(resumptionId, this);
        services.sessions().unbind(this);
        boolean wasAvailable = available;
        available = false;
        presence = null;
        Stanza unavailable = Stanza.create(Element.builder("presence", Namespaces.CLIENT)
                .attribute("from", jid.toString()).attribute("type", "unavailable").build());
        CompletionStage<?> presenceSent = wasAvailable ? route(unavailable) : CompletableFuture.completedFuture(null);
        sendUnavailableToDirected(unavailable);
        outbound.end().thenAccept(this::undeliverable);
        presenceSent.whenComplete((r, e) -> {
            if (wasAvailable) {
                services.lifecycle().unavailable(this, unavailable);
            }
            phase = Phase.ENDED;
            services.lifecycle().ended(this);
        });
    }

    /** XEP-0198 section 4: what the client never acknowledged is not dropped. */
    private void undeliverable(List<Stanza> unacknowledged) {
        if (unacknowledged.isEmpty()) {
            return;
        }
        LOG.debug("{} ended with {} unacknowledged stanza(s)", jid, unacknowledged.size());
        for (Stanza s : unacknowledged) {
            late(s);
        }
    }

    /**
     * A stanza that reached this session but not its client (the session ended first): messages go
     * to the undeliverable-message hook, iq requests are answered, the rest is dropped as RFC 6121
     * section 8.5.3.2 drops it for a resource that is gone.
     */
    void late(Stanza s) {
        if (moved) {
            // The successor's session with this JID gets it (routing holds it until that session exists).
            services.router().await(StreamServices.ROUTER).thenAccept(router -> {
                if (router != null) {
                    router.route(s);
                } else {
                    LOG.error("No routing service: a {} for {} is lost", s.kind().xmlName(), jid);
                }
            });
            return;
        }
        if (s.kind() == Stanza.Kind.PRESENCE || s.isError()) {
            return;
        }
        if (s.kind() == Stanza.Kind.IQ) {
            if (s.isIqRequest()) {
                services.router().await(StreamServices.ROUTER).thenAccept(router -> {
                    if (router != null) {
                        router.route(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
                    }
                });
            }
            return;
        }
        EntityBareJid account = jid.asEntityBareJid();
        services.router().await(StreamServices.ROUTER).thenAccept(router -> {
            if (router == null) {
                LOG.error("No routing service: a message for {} from {} is lost", jid, s.from());
            } else {
                router.undeliverable(s, account);
            }
        });
    }

    // ---- Session ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public EntityFullJid jid() {
        return jid;
    }

    @Override
    public EntityBareJid bareJid() {
        return jid.asEntityBareJid();
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Stanza presence() {
        return presence;
    }

    @Override
    public Set<Jid> directedPresence() {
        return directed;
    }

    @Override
    public boolean isDetached() {
        return detached;
    }

    @Override
    public Instant boundAt() {
        return Instant.ofEpochMilli(boundAt);
    }

    long boundAtMillis() {
        return boundAt;
    }

    @Override
    public void deliver(Stanza stanza) {
        outbound.deliver(stanza);
    }

    @Override
    public CompletionStage<Boolean> deliverWithReceipt(Stanza stanza) {
        return outbound.deliverWithReceipt(stanza);
    }

    @Override
    public void close(StreamErrorCondition condition, String text) {
        stream.closeSession(condition, text);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String authMechanism() {
        return mechanism;
    }

    @Override
    public String tlsProtocol() {
        ClientConnection c = detached ? null : stream.connection();
        return c == null ? null : c.tlsProtocol();
    }

    @Override
    public String tlsCipherSuite() {
        ClientConnection c = detached ? null : stream.connection();
        return c == null ? null : c.tlsCipherSuite();
    }

    @Override
    public int unacknowledged() {
        return outbound.unacknowledged();
    }

    @Override
    public String toString() {
        return "session " + jid + (detached ? " (detached)" : "");
    }

    // ---- state handoff ----

    /** What a successor needs to continue this session; see {@link CoreHandoff}. */
    record State(String id, String jid, long boundAt, String mechanism, boolean available, int priority, Stanza presence,
            Set<Jid> directed, boolean detached, long handled, String resumptionId, long resumptionRemainingMillis,
            InetSocketAddress remoteAddress, boolean secure, Outbound.State outbound) {
    }

    /** Read while the session's stream and outbound executors are idle: nothing changes it meanwhile. */
    State state(Outbound.State outboundState) {
        return new State(id, jid.toString(), boundAt, mechanism, available, priority, presence, directed, detached, handled,
                resumptionId, resumptionRemainingMillis(), remoteAddress, secure, outboundState);
    }

    /** Stops this object from taking anything more: its successor in the next core version takes over. */
    void handedOver() {
        moved = true;
        if (resumptionTimeout != null) {
            resumptionTimeout.cancel(false);
        }
        outbound.closeForHandoff();
    }

    /** Restores what a predecessor handed over (on activation, before anything runs). */
    void restore(State state) {
        this.available = state.available();
        this.priority = state.priority();
        this.presence = state.presence();
        this.directed = Set.copyOf(state.directed());
        this.detached = state.detached();
        this.handled = state.handled();
        this.resumptionId = state.resumptionId();
        this.remoteAddress = state.remoteAddress();
        this.secure = state.secure();
        outbound.restore(state.outbound(), !state.detached());
        if (resumptionId != null) {
            services.resumptions().restore(resumptionId, this);
        }
        if (state.detached()) {
            ClientStream last = stream;
            resumptionTimeout = services.timer().schedule(() -> last.runOnExecutor(() -> {
                if (detached && stream == last) {
                    end("not resumed in time");
                }
            }), Math.max(0, state.resumptionRemainingMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** A stream of this core version continues the session (its connection was re-attached). */
    void adopt(ClientStream newStream) {
        stream = newStream;
        ClientConnection c = newStream.connection();
        remoteAddress = c.remoteAddress();
        secure = c.isSecure();
        outbound.run(() -> outbound.attachOnLane(c));
    }

    long resumptionRemainingMillis() {
        ScheduledFuture<?> t = resumptionTimeout;
        return t == null ? 0 : t.getDelay(TimeUnit.MILLISECONDS);
    }
}
