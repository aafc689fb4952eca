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

    record Bound(Component component, Registration registration, Gate gate) {
        Bound(Component component, Registration registration) {
            this(component, registration, new Gate());
        }
    }

    /**
     * The calls into one bound component. When the component leaves, the gate closes: no call
     * enters after that (it goes to the successor instead), and the removal waits for the calls in
     * progress. Without it a call that picked the component just before it left could run after
     * the component handed its state to its successor, and what it did would be lost, or, handed
     * back to routing, overtaken by the stanzas queued behind it.
     */
    static final class Gate {
        private int calls;
        private boolean closed;

        synchronized boolean enter() {
            if (closed) {
                return false;
            }
            calls++;
            return true;
        }

        synchronized void exit() {
            if (--calls == 0) {
                notifyAll();
            }
        }

        /** Closes the gate and waits up to {@code millis} for the calls in progress (a component that calls back into its own removal would wait forever). */
        synchronized boolean closeAndAwait(long millis) throws InterruptedException {
            closed = true;
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (calls > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    private final Standby<DomainBareJid, Bound> byDomain;
    private final Map<DomainBareJid, SerialExecutor> executors = new ConcurrentHashMap<>();
    private final Set<DomainBareJid> known = ConcurrentHashMap.newKeySet();
    private final Executor pool;
    private final LongSupplier graceMillis;
    /** How a stanza the component could not take is answered: (stanza, condition). */
    private final BiConsumer<Stanza, StanzaErrorCondition> bounce;

    Components(ScheduledExecutorService timer, LongSupplier graceMillis, Executor pool, BiConsumer<Stanza, StanzaErrorCondition> bounce) {
        this.byDomain = new Standby<>(timer, graceMillis);
        this.graceMillis = graceMillis;
        this.pool = pool;
        this.bounce = bounce;
    }

    void add(Component component, DomainBareJid domain, Registration registration) {
        known.add(domain);
        byDomain.arrived(domain, new Bound(component, registration));
        LOG.info("Component {} of {} serves {}", registration.name(), registration.bundle(), domain);
    }

    /** The component leaves: stanzas wait for its successor, and this returns once no call into it is in progress. */
    void remove(Component component, DomainBareJid domain) {
        Bound current = byDomain.current(domain);
        if (current != null && current.component() == component) {
            byDomain.departed(domain, current);
            try {
                if (!current.gate().closeAndAwait(graceMillis.getAsLong())) {
                    LOG.warn("Component {} of {} was still receiving when it left", current.registration().name(),
                            current.registration().bundle());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
            if (!bound.gate().enter()) {
                if (retry) {
                    return receive(domain, stanza, false); // it left after it was picked: its successor takes it
                }
                LOG.error("Component for {} left twice while receiving {}", domain, stanza);
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
            } finally {
                bound.gate().exit();
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

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return byDomain.held();
    }
}
