package org.parley.components.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.routing.Component;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured component domain, as routing sees it: registered as a {@link Component} for as
 * long as it is configured, whether or not the external process is connected. Its one
 * connection slot says where stanzas go:
 *
 * <ul>
 *   <li>connected: written to the connection, in the order routing gave them;
 *   <li>away (not yet connected, or its connection ended) for less than the hold time: held here,
 *       in order, and written first when it connects;
 *   <li>away for longer, or more held than the limit: answered with service-unavailable.
 * </ul>
 *
 * <p>A second connection that completes the handshake for a connected domain replaces the first:
 * the reconnecting process is the live one (its old TCP connection may be half-dead and not yet
 * noticed), and two connections for one domain would split its traffic. The old one is closed
 * with a {@code conflict} stream error, the way RFC 6120 section 4.9.3.3 treats a resource taken
 * over by a new session; what routing gives the domain from then on goes to the new one.
 */
final class ExternalComponent implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalComponent.class);

    private final DomainBareJid domain;
    private final ScheduledExecutorService timer;
    private final Consumer<Stanza> route;
    private final IntSupplier holdSeconds;
    private final IntSupplier maxHeld;
    private volatile String secret;

    // guarded by this
    private ComponentStream connection;
    private final ArrayDeque<Stanza> held = new ArrayDeque<>();
    /** True once it has been away longer than the hold time: stanzas are answered at once. */
    private boolean holdExpired;
    private ScheduledFuture<?> holdEnd;
    private boolean closed;

    ExternalComponent(DomainBareJid domain, String secret, ScheduledExecutorService timer, Consumer<Stanza> route,
            IntSupplier holdSeconds, IntSupplier maxHeld) {
        this.domain = domain;
        this.secret = secret;
        this.timer = timer;
        this.route = route;
        this.holdSeconds = holdSeconds;
        this.maxHeld = maxHeld;
        synchronized (this) {
            startHold();
        }
    }

    DomainBareJid domain() {
        return domain;
    }

    String secret() {
        return secret;
    }

    /** A changed secret applies to the next handshake; the connected process proved the old one. */
    void secret(String newSecret) {
        secret = newSecret;
    }

    /** Routing calls this on the domain's ordered executor, one stanza at a time. */
    @Override
    public void receive(Stanza stanza) {
        ComponentStream stalled;
        synchronized (this) {
            ComponentStream to = connection;
            if (to == null) {
                if (closed || holdExpired || held.size() >= maxHeld.getAsInt()) {
                    bounce(stanza);
                } else {
                    held.add(stanza);
                }
                return;
            }
            // written under the lock, so a replacement connection cannot get later stanzas before these
            if (to.send(stanza)) {
                return;
            }
            // It stopped reading: it is treated as away, and this stanza waits for its reconnect.
            connection = null;
            startHold();
            held.add(stanza);
            stalled = to;
        }
        LOG.warn("Component {} left more than {} bytes unread: its connection is closed, its stanzas held for {} s", domain,
                ComponentStream.MAX_UNREAD_BYTES, holdSeconds.getAsInt());
        stalled.closeWithError(StreamErrorCondition.RESOURCE_CONSTRAINT, "the component does not read what the server sends");
    }

    /**
     * The stream completed its handshake: it takes the slot, what was held goes to it first.
     *
     * @return the connection it replaces, for the caller to close with conflict; null when none
     */
    ComponentStream attach(ComponentStream stream) {
        synchronized (this) {
            if (closed) {
                return stream; // no longer configured: the caller closes the newcomer instead
            }
            ComponentStream previous = connection;
            connection = stream;
            holdExpired = false;
            if (holdEnd != null) {
                holdEnd.cancel(false);
                holdEnd = null;
            }
            int flushed = held.size();
            while (!held.isEmpty()) {
                stream.sendAnyway(held.poll());
            }
            if (flushed > 0) {
                LOG.info("Component {} connected: {} stanza(s) held for it delivered", domain, flushed);
            }
            return previous;
        }
    }

    /** The stream ended; if it held the slot, the component is away from now on. */
    void detach(ComponentStream stream) {
        synchronized (this) {
            if (connection != stream) {
                return;
            }
            connection = null;
            if (!closed) {
                startHold();
            }
        }
        LOG.info("Component {} disconnected; stanzas for it are held for {} s", domain, holdSeconds.getAsInt());
    }

    synchronized boolean isConnected() {
        return connection != null;
    }

    /** Held stanzas, oldest first, taken out (for the successor of this bundle, or for bouncing). */
    synchronized List<Stanza> takeHeld() {
        List<Stanza> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /** Stanzas the predecessor of this bundle held, before any that arrive now. */
    synchronized void restoreHeld(List<Stanza> stanzas) {
        List<Stanza> newer = new ArrayList<>(held);
        held.clear();
        held.addAll(stanzas);
        held.addAll(newer);
    }

    /**
     * No longer served here: the connection is closed with {@code condition} (null: the caller
     * hands it over, e.g. on this bundle's upgrade), and nothing more is held.
     *
     * @return the connection that held the slot, or null
     */
    ComponentStream close() {
        synchronized (this) {
            closed = true;
            if (holdEnd != null) {
                holdEnd.cancel(false);
                holdEnd = null;
            }
            ComponentStream c = connection;
            connection = null;
            return c;
        }
    }

    /** Answers what is held with service-unavailable. */
    void bounceHeld() {
        for (Stanza s : takeHeld()) {
            bounce(s);
        }
    }

    private void startHold() {
        holdExpired = false;
        if (holdEnd != null) {
            holdEnd.cancel(false);
        }
        holdEnd = timer.schedule(this::holdEnded, holdSeconds.getAsInt(), TimeUnit.SECONDS);
    }

    private void holdEnded() {
        List<Stanza> expired;
        synchronized (this) {
            if (connection != null || holdExpired) {
                return;
            }
            holdExpired = true;
            holdEnd = null;
            expired = new ArrayList<>(held);
            held.clear();
        }
        if (!expired.isEmpty()) {
            LOG.info("Component {} stayed away for {} s: {} held stanza(s) answered with service-unavailable", domain,
                    holdSeconds.getAsInt(), expired.size());
        }
        expired.forEach(this::bounce);
    }

    /** RFC 6120 section 8.3.1: no error answers an error, nor a result. */
    private void bounce(Stanza stanza) {
        if (stanza.isError() || (stanza.isIq() && !stanza.isIqRequest())) {
            return;
        }
        if (stanza.kind() == Stanza.Kind.PRESENCE && stanza.type() != null && !"subscribe".equals(stanza.type())
                && !"probe".equals(stanza.type())) {
            return; // unavailable and subscription answers inform; nobody waits for them
        }
        route.accept(stanza.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, domain + " is not connected"));
    }

    static void closeReplaced(ComponentStream replaced) {
        if (replaced != null) {
            replaced.closeWithError(StreamErrorCondition.CONFLICT, "replaced by a new connection for the same domain");
        }
    }
}
