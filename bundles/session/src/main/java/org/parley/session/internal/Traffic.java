package org.parley.session.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.parley.api.auth.SaslFailure;
import org.parley.api.stanza.Stanza;
import org.parley.api.usage.TrafficCounters;

/**
 * The core's counters. Each stanza a client sends adds one to a {@link LongAdder}: striped cells,
 * so the session threads that count at once do not contend on one cache line, and no allocation
 * on the routing path. Reading sums the cells, which only the samplers do.
 */
final class Traffic implements TrafficCounters {
    private static final Stanza.Kind[] KINDS = Stanza.Kind.values();
    private static final SaslFailure[] FAILURES = SaslFailure.values();

    private final LongAdder[] received = adders(KINDS.length);
    private final LongAdder logins = new LongAdder();
    private final LongAdder[] failed = adders(FAILURES.length);
    /** Held by routers that are gone, and by this core's predecessors (see SessionCore#stanzasHeld). */
    private final LongAdder heldBefore = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void received(Stanza.Kind kind) {
        received[kind.ordinal()].increment();
    }

    void login() {
        logins.increment();
    }

    void failed(SaslFailure condition) {
        failed[condition.ordinal()].increment();
    }

    void heldByRoutersGone(long n) {
        heldBefore.add(n);
    }

    long heldByRoutersGone() {
        return heldBefore.sum();
    }

    /** Not kept here: the session core adds its own and the live router's (see SessionCore#stanzasHeld). */
    @Override
    public long stanzasHeld() {
        return heldBefore.sum();
    }

    @Override
    public long stanzasReceived(Stanza.Kind kind) {
        return received[kind.ordinal()].sum();
    }

    @Override
    public long logins() {
        return logins.sum();
    }

    @Override
    public long failedLogins(SaslFailure condition) {
        return failed[condition.ordinal()].sum();
    }

    /**
     * The totals by name, JDK values only, for the successor of this core.
     *
     * @param heldHere what the core held itself while routing was replaced, to count on
     */
    Map<String, Object> snapshot(long heldHere) {
        Map<String, Object> m = new HashMap<>();
        for (Stanza.Kind kind : KINDS) {
            m.put("received." + kind.name(), stanzasReceived(kind));
        }
        m.put("logins", logins());
        m.put("held", heldBefore.sum() + heldHere);
        for (SaslFailure condition : FAILURES) {
            m.put("failed." + condition.name(), failedLogins(condition));
        }
        return m;
    }

    /** Adds a predecessor's totals; names this core does not know are skipped (read tolerantly). */
    void restore(Map<?, ?> snapshot) {
        for (Stanza.Kind kind : KINDS) {
            add(received[kind.ordinal()], snapshot.get("received." + kind.name()));
        }
        add(logins, snapshot.get("logins"));
        add(heldBefore, snapshot.get("held"));
        for (SaslFailure condition : FAILURES) {
            add(failed[condition.ordinal()], snapshot.get("failed." + condition.name()));
        }
    }

    private static void add(LongAdder adder, Object value) {
        if (value instanceof Long n && n > 0) {
            adder.add(n);
        }
    }
}
