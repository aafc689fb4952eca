package org.parley.routing.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.routing.StanzaInterceptor.Direction;
import org.parley.api.routing.StanzaInterceptor.Interception;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptor chain: every registered {@link StanzaInterceptor} that wants a stanza's kind and
 * direction, highest ranking first, each possibly asynchronous.
 *
 * <p>Failure rules. An interceptor that throws or fails its stage refuses the stanza with
 * internal-server-error (logged with its bundle). While an interceptor is being replaced (its
 * component name left and has not come back), stanzas it would see wait for its successor for the
 * grace period; when the grace period ends without one, a policy interceptor's stanzas are refused
 * (fail closed) and a plain interceptor's continue without it.
 */
final class Interceptors {
    private static final Logger LOG = LoggerFactory.getLogger(Interceptors.class);
    private static final InterceptResult POLICY_ABSENT = InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE,
            "a policy check is unavailable; try again");

    /** A bound interceptor and what it wants to see. */
    record Entry(StanzaInterceptor interceptor, Registration registration, int kinds, int directions, boolean policy) {
        boolean wants(Stanza.Kind kind, Direction direction) {
            return (kinds & (1 << kind.ordinal())) != 0 && (directions & (1 << direction.ordinal())) != 0;
        }
    }

    private final RankedList<Entry> chain = new RankedList<>();
    private final Standby<String, Entry> byName;
    /** Interceptors gone within their grace period, by component name. */
    private final Map<String, Entry> departed = new ConcurrentHashMap<>();

    Interceptors(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.byName = new Standby<>(timer, graceMillis);
    }

    static Entry entry(StanzaInterceptor interceptor, Registration registration, Object kinds, Object directions, Object policy) {
        int kindMask = 0;
        for (String k : Registration.strings(kinds)) {
            for (Stanza.Kind kind : Stanza.Kind.values()) {
                if (kind.xmlName().equals(k)) {
                    kindMask |= 1 << kind.ordinal();
                }
            }
        }
        int directionMask = 0;
        for (String d : Registration.strings(directions)) {
            for (Direction direction : Direction.values()) {
                if (direction.name().equalsIgnoreCase(d)) {
                    directionMask |= 1 << direction.ordinal();
                }
            }
        }
        boolean isPolicy = policy instanceof Boolean b ? b : "true".equalsIgnoreCase(String.valueOf(policy));
        return new Entry(interceptor, registration, kindMask == 0 ? 0b111 : kindMask, directionMask == 0 ? 0b11 : directionMask, isPolicy);
    }

    void add(Entry entry) {
        chain.add(entry, entry.registration().ranking(), entry.registration().serviceId());
        // The predecessor stays departed until the stanzas held for it have gone to the successor:
        // a stanza routed meanwhile on another thread then queues behind them (Standby.arrived)
        // instead of running the chain at once and overtaking one its sender sent before it.
        String name = entry.registration().name();
        Entry predecessor = departed.get(name);
        byName.arrived(name, entry);
        if (predecessor != null) {
            departed.remove(name, predecessor);
        }
    }

    void remove(StanzaInterceptor interceptor) {
        for (Entry e : chain.values()) {
            if (e.interceptor() == interceptor) {
                chain.removeIf(x -> x == e);
                if (byName.departed(e.registration().name(), e) && byName.isWaiting(e.registration().name())) {
                    departed.put(e.registration().name(), e);
                }
            }
        }
    }

    /** True when no interceptor is bound or expected back: routing skips the chain. */
    boolean isEmpty() {
        return chain.isEmpty() && departed.isEmpty();
    }

    /**
     * Runs the chain on one stanza.
     *
     * @return the outcome: proceed (possibly rewritten), consumed, or refused
     */
    CompletionStage<InterceptResult> apply(Stanza stanza, Interception interception) {
        return apply(stanza, interception, false);
    }

    /**
     * Runs only the policy interceptors on a stanza, with the same waiting and failure rules: for
     * a stanza accepted earlier and delivered later (a kept offline message), whose other
     * interceptors already ran.
     */
    CompletionStage<InterceptResult> applyPolicies(Stanza stanza, Interception interception) {
        return apply(stanza, interception, true);
    }

    /** True for the refusal a policy interceptor's absence or failure gives: nobody decided. */
    static boolean undecided(InterceptResult r) {
        return r == POLICY_ABSENT || r.isRefused() && r.refusal() == StanzaErrorCondition.INTERNAL_SERVER_ERROR;
    }

    private CompletionStage<InterceptResult> apply(Stanza stanza, Interception interception, boolean policiesOnly) {
        if (!departed.isEmpty()) {
            List<Entry> awaited = new ArrayList<>(1);
            for (Entry e : departed.values()) {
                String name = e.registration().name();
                if (!byName.isWaiting(name)) {
                    departed.remove(name, e); // gone for good, or its successor took over: the chain goes on without it
                } else if (byName.current(name) == null // else this thread is handing held stanzas to the successor
                        && e.wants(stanza.kind(), interception.direction()) && (!policiesOnly || e.policy())) {
                    awaited.add(e);
                }
            }
            if (!awaited.isEmpty()) {
                return awaitSuccessors(awaited, stanza, interception, policiesOnly);
            }
        }
        return run(chain.values(), 0, stanza, interception, policiesOnly);
    }

    private CompletionStage<InterceptResult> awaitSuccessors(List<Entry> awaited, Stanza stanza, Interception interception,
            boolean policiesOnly) {
        CompletionStage<Boolean> allowed = CompletableFuture.completedFuture(true);
        for (Entry gone : awaited) {
            allowed = allowed.thenCombine(byName.await(gone.registration().name()), (ok, successor) -> {
                if (successor != null) {
                    return ok;
                }
                departed.remove(gone.registration().name(), gone);
                if (gone.policy()) {
                    LOG.warn("Policy interceptor {} of {} did not come back within the grace period: refusing a {}",
                            gone.registration().name(), gone.registration().bundle(), stanza.kind().xmlName());
                    return false;
                }
                return ok;
            });
        }
        // Again from the start, departures included: a bundle with two interceptors replaces them
        // one after the other, and the chain must not run with the first back and the second away
        // (a presence broadcast without the roster's interceptor is silently dropped).
        return allowed.thenCompose(ok -> ok ? apply(stanza, interception, policiesOnly)
                : CompletableFuture.completedFuture(POLICY_ABSENT));
    }

    /** Runs the chain from position {@code i}; synchronous answers are followed without allocating stages. */
    private CompletionStage<InterceptResult> run(List<Entry> entries, int i, Stanza stanza, Interception interception,
            boolean policiesOnly) {
        Stanza current = stanza;
        for (int n = entries.size(); i < n; i++) {
            Entry e = entries.get(i);
            if (!e.wants(current.kind(), interception.direction()) || policiesOnly && !e.policy()) {
                continue;
            }
            CompletionStage<InterceptResult> stage;
            try {
                stage = e.interceptor().intercept(current, interception);
            } catch (LazyService.GoneException gone) {
                // It left as we called it (its bundle is being replaced): the whole chain runs
                // again once its successor is there (or, for a policy, is refused without one).
                if (byName.current(e.registration().name()) == e) {
                    return CompletableFuture.completedFuture(failed(e, current, gone)); // not unbound: no successor to wait for
                }
                return awaitSuccessors(List.of(e), stanza, interception, policiesOnly);
            } catch (RuntimeException ex) {
                return CompletableFuture.completedFuture(failed(e, current, ex));
            }
            if (stage == null) {
                return CompletableFuture.completedFuture(failed(e, current, new NullPointerException("no stage")));
            }
            CompletableFuture<InterceptResult> f = stage.toCompletableFuture();
            if (!f.isDone()) {
                int next = i + 1;
                Stanza seen = current;
                return f.handle((r, ex) -> outcome(e, seen, r, ex)).thenCompose(r -> r.isConsumed()
                        ? CompletableFuture.completedFuture(r) : run(entries, next, r.stanza(), interception, policiesOnly));
            }
            InterceptResult r;
            try {
                r = outcome(e, current, f.join(), null);
            } catch (RuntimeException ex) {
                r = outcome(e, current, null, ex);
            }
            if (r.isConsumed()) {
                return CompletableFuture.completedFuture(r);
            }
            current = r.stanza();
        }
        return CompletableFuture.completedFuture(InterceptResult.proceed(current));
    }

    private static InterceptResult outcome(Entry e, Stanza stanza, InterceptResult r, Throwable error) {
        if (error != null) {
            return failed(e, stanza, error);
        }
        if (r == null) {
            return failed(e, stanza, new NullPointerException("the interceptor answered null"));
        }
        return r;
    }

    private static InterceptResult failed(Entry e, Stanza stanza, Throwable error) {
        LOG.error("Interceptor {} of bundle {} failed on {}; the stanza is refused", e.registration().name(),
                e.registration().bundle(), stanza, error);
        return InterceptResult.refuse(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }

    void close() {
        byName.closeAll();
    }

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return byName.held();
    }
}
