package org.parley.routing.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.routing.Component;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.concurrent.SerialExecutor;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components, by domain, each receiving on its own ordered executor: one at a time, in the
 * order routing took the stanzas, never on the sender's thread. The executor belongs to the domain,
 * not to the component object, so when a component is replaced, what was queued for it and what
 * arrives during the swap waits (for the grace period) and goes to the successor, in order.
 */
final class Components {
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);

    record Bound(Component component, Registration registration) {
    }

    private final Standby<DomainBareJid, Bound> byDomain;
    private final Map<DomainBareJid, SerialExecutor> executors = new ConcurrentHashMap<>();
    private final Set<DomainBareJid> known = ConcurrentHashMap.newKeySet();
    private final Executor pool;
    /** How a stanza the component could not take is answered: (stanza, condition). */
    private final BiConsumer<Stanza, StanzaErrorCondition> bounce;

    Components(ScheduledExecutorService timer, LongSupplier graceMillis, Executor pool, BiConsumer<Stanza, StanzaErrorCondition> bounce) {
        this.byDomain = new Standby<>(timer, graceMillis);
        this.pool = pool;
        this.bounce = bounce;
    }

    void add(Component component, DomainBareJid domain, Registration registration) {
        known.add(domain);
        byDomain.arrived(domain, new Bound(component, registration));
        LOG.info("Component {} of {} serves {}", registration.name(), registration.bundle(), domain);
    }

    void remove(Component component, DomainBareJid domain) {
        Bound current = byDomain.current(domain);
        if (current != null && current.component() == component) {
            byDomain.departed(domain, current);
        }
    }

    /** The component serving the domain now, or null. */
    Component current(DomainBareJid domain) {
        Bound b = byDomain.current(domain);
        return b == null ? null : b.component();
    }

    /** True when a component serves the domain, or is expected back within the grace period. */
    boolean serves(DomainBareJid domain) {
        return byDomain.current(domain) != null || byDomain.isWaiting(domain);
    }

    /** Queues a stanza for the domain's component. */
    void deliver(DomainBareJid domain, Stanza stanza) {
        SerialExecutor executor = executors.computeIfAbsent(domain, d -> new SerialExecutor(pool, "component " + d));
        executor.submit(() -> receive(domain, stanza, true));
    }

    private CompletionStage<Void> receive(DomainBareJid domain, Stanza stanza, boolean retry) {
        return byDomain.await(domain).thenCompose(bound -> {
            if (bound == null) {
                bounce.accept(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                return CompletableFuture.completedFuture(null);
            }
            try {
                bound.component().receive(stanza);
            } catch (LazyService.GoneException gone) {
                if (retry) {
                    return receive(domain, stanza, false); // its successor takes it
                }
                LOG.error("Component for {} left twice while receiving {}", domain, stanza);
                bounce.accept(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            } catch (RuntimeException e) {
                LOG.error("Component {} of bundle {} failed on {}", bound.registration().name(),
                        bound.registration().bundle(), stanza, e);
                bounce.accept(stanza, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** The domains served now (for service discovery). */
    Set<String> domains() {
        Set<String> domains = new TreeSet<>();
        for (DomainBareJid d : known) {
            if (byDomain.current(d) != null) {
                domains.add(d.toString());
            }
        }
        return domains;
    }

    /** True when nothing is queued for any component. */
    boolean isIdle() {
        for (SerialExecutor e : executors.values()) {
            if (!e.isIdle()) {
                return false;
            }
        }
        return true;
    }

    void close() {
        byDomain.closeAll();
    }
}
