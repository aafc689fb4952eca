package org.parley.session.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL mechanisms registered as services, strongest (highest ranking) first.
 *
 * <p>While a mechanism's bundle is replaced, the mechanism that left stays in the list for the
 * grace period, until a successor of the same name arrives: it is still offered (it answers
 * {@code isOffered} itself), and a client that picks it waits for the successor. Without this a
 * client connecting during the swap is not offered the mechanism, and one that picked it from the
 * features it had just been sent gets invalid-mechanism (seen with GSSAPI, whose users have no
 * password to fall back on).
 */
final class Mechanisms {
    private static final Logger LOG = LoggerFactory.getLogger(Mechanisms.class);

    private final RankedList<SaslMechanism> mechanisms = new RankedList<>();
    /** Left, and no other mechanism has its name: kept while their name is within its grace period. */
    private final Set<SaslMechanism> departed = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final Standby<String, SaslMechanism> byName;

    Mechanisms(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.byName = new Standby<>(timer, graceMillis);
    }

    synchronized void add(SaslMechanism mechanism, int ranking, long serviceId) {
        String name = mechanism.name();
        mechanisms.removeIf(m -> departed.contains(m) && m.name().equals(name) && departed.remove(m));
        mechanisms.add(mechanism, ranking, serviceId);
        byName.arrived(name, mechanism);
    }

    synchronized void remove(SaslMechanism mechanism) {
        String name = mechanism.name();
        boolean another = mechanisms.values().stream()
                .anyMatch(m -> m != mechanism && !departed.contains(m) && m.name().equals(name));
        if (!another && byName.departed(name, mechanism)) {
            departed.add(mechanism); // stays offered until its successor arrives or the grace period ends
            return;
        }
        mechanisms.removeIf(m -> m == mechanism);
        if (another) {
            mechanisms.values().stream().filter(m -> !departed.contains(m) && m.name().equals(name)).findFirst()
                    .ifPresent(m -> byName.arrived(name, m));
        }
    }

    /** The names to offer on this connection, in order; a mechanism that fails to answer is left out and logged. */
    List<String> offered(SaslContext context) {
        List<String> names = new ArrayList<>(4);
        for (SaslMechanism m : mechanisms.values()) {
            if (departed.contains(m) && !stillExpected(m)) {
                continue;
            }
            if (isOffered(m, context) && !names.contains(m.name())) {
                names.add(m.name());
            }
        }
        return names;
    }

    /**
     * The mechanism of that name offered on this connection: now, or, while that name's mechanism
     * is being replaced, its successor when it arrives; null when there is none.
     */
    CompletionStage<SaslMechanism> find(String name, SaslContext context) {
        boolean replaced = false;
        for (SaslMechanism m : mechanisms.values()) {
            if (!m.name().equals(name)) {
                continue;
            }
            if (departed.contains(m)) {
                replaced |= stillExpected(m);
            } else if (isOffered(m, context)) {
                return CompletableFuture.completedFuture(m);
            }
        }
        if (!replaced) {
            return CompletableFuture.completedFuture(null);
        }
        return byName.await(name).thenApply(successor -> successor != null && isOffered(successor, context) ? successor : null);
    }

    /** Whether a departed mechanism's name is still within its grace period; drops it once it is not. */
    private boolean stillExpected(SaslMechanism m) {
        if (byName.isWaiting(m.name())) {
            return true;
        }
        synchronized (this) {
            if (departed.remove(m)) {
                mechanisms.removeIf(x -> x == m);
            }
        }
        return false;
    }

    boolean isEmpty() {
        return mechanisms.isEmpty();
    }

    void close() {
        byName.closeAll();
    }

    private static boolean isOffered(SaslMechanism m, SaslContext context) {
        try {
            return m.isOffered(context);
        } catch (RuntimeException e) {
            LOG.error("SASL mechanism {} failed to say whether it is offered", m.getClass().getName(), e);
            return false;
        }
    }
}
