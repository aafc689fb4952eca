package org.parley.routing.internal;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.parley.api.session.SessionRegistry;
import org.parley.concurrent.Standby;

/**
 * The session directory routing delivers through: the highest-ranked {@link SessionRegistry}
 * (the session core's, or a cluster's that knows every node). While it is replaced (the session
 * core is upgraded), deliveries wait for its successor for the grace period.
 *
 * <p>Deliveries count themselves in and out ({@link #enter}/{@link #exit}); when a registry
 * leaves, {@link #departed} waits for the deliveries that still use it to finish, so that once it
 * returns no routing thread still holds a session object of the departing core, whose state that
 * core is about to hand over.
 */
final class LocalSessions {
    private static final String KEY = "registry";
    private static final long DRAIN_MILLIS = 1000;

    private final Standby<String, SessionRegistry> registry;
    private final AtomicInteger inFlight = new AtomicInteger();

    LocalSessions(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.registry = new Standby<>(timer, graceMillis);
        registry.expect(KEY); // the session core may start after routing
    }

    void arrived(SessionRegistry r) {
        registry.arrived(KEY, r);
    }

    void departed(SessionRegistry r) {
        if (registry.departed(KEY, r)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    /** The registry now, or null (use {@link #await} then); call {@link #exit} after using what it returned. */
    SessionRegistry enter() {
        inFlight.incrementAndGet();
        SessionRegistry r = registry.current(KEY);
        if (r == null) {
            inFlight.decrementAndGet();
        }
        return r;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** The registry, or its successor within the grace period; null when there is none. */
    CompletionStage<SessionRegistry> await() {
        return registry.await(KEY);
    }

    void close() {
        registry.closeAll();
    }

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return registry.held();
    }
}
