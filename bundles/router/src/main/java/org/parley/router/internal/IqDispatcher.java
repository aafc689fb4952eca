package org.parley.router.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends iq requests to the handler registered for their payload namespace. When the last handler
 * of a namespace leaves (its bundle is being upgraded), requests for that namespace are held for
 * the grace period and handed to the successor when it arrives, instead of being refused.
 */
final class IqDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IqDispatcher.class);

    /** A handler with the ranking that orders it among handlers of one namespace. */
    record Registration(IqHandler handler, int ranking, long serviceId) {
    }

    private record Held(Stanza iq, Session origin, Consumer<Stanza> reply, long deadline) {
    }

    private static final Comparator<Registration> BEST_FIRST =
            Comparator.comparingInt(Registration::ranking).reversed().thenComparingLong(Registration::serviceId);

    private final Map<String, List<Registration>> handlers = new ConcurrentHashMap<>();
    private final Map<String, Long> departedAt = new ConcurrentHashMap<>();
    private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile long graceMillis;

    IqDispatcher(ScheduledExecutorService timer, long graceMillis) {
        this.timer = timer;
        this.graceMillis = graceMillis;
    }

    void setGraceMillis(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    void add(Registration registration, List<String> namespaces) {
        for (String ns : namespaces) {
            handlers.compute(ns, (k, list) -> {
                List<Registration> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
                next.add(registration);
                next.sort(BEST_FIRST);
                return List.copyOf(next);
            });
            departedAt.remove(ns);
            List<Held> waiting = held.remove(ns);
            if (waiting != null) {
                LOG.info("A handler for {} arrived; {} held request(s) go to it", ns, waiting.size());
                for (Held h : waiting) {
                    dispatch(h.iq(), h.origin(), h.reply());
                }
            }
        }
    }

    void remove(IqHandler handler, List<String> namespaces) {
        for (String ns : namespaces) {
            handlers.computeIfPresent(ns, (k, list) -> {
                List<Registration> next = new ArrayList<>(list);
                next.removeIf(r -> r.handler() == handler);
                if (next.isEmpty()) {
                    departedAt.put(ns, System.nanoTime());
                    return null;
                }
                return List.copyOf(next);
            });
        }
    }

    boolean handles(String namespace) {
        return handlers.containsKey(namespace);
    }

    /**
     * Answers one iq get or set addressed to the server or an account. {@code reply} receives the
     * answer (or the error) exactly once, possibly on another thread.
     */
    void dispatch(Stanza iq, Session origin, Consumer<Stanza> reply) {
        Element payload = iq.payload();
        if (payload == null || iq.element().elements().size() != 1) {
            reply.accept(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "an iq request carries exactly one payload"));
            return;
        }
        String ns = payload.namespace();
        List<Registration> candidates = handlers.get(ns);
        if (candidates == null) {
            if (isInGrace(ns)) {
                hold(ns, new Held(iq, origin, reply, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis)));
            } else {
                reply.accept(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
            }
            return;
        }
        invoke(candidates.get(0).handler(), iq, origin, reply);
    }

    private boolean isInGrace(String ns) {
        Long departed = departedAt.get(ns);
        return departed != null && System.nanoTime() - departed < TimeUnit.MILLISECONDS.toNanos(graceMillis);
    }

    private void hold(String ns, Held h) {
        held.compute(ns, (k, list) -> {
            List<Held> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            next.add(h);
            return next;
        });
        long delay = Math.max(0, h.deadline() - System.nanoTime());
        timer.schedule(() -> expire(ns, h), delay, TimeUnit.NANOSECONDS);
    }

    private void expire(String ns, Held h) {
        boolean[] wasHeld = new boolean[1];
        held.computeIfPresent(ns, (k, list) -> {
            List<Held> next = new ArrayList<>(list);
            wasHeld[0] = next.remove(h);
            return next.isEmpty() ? null : next;
        });
        if (wasHeld[0]) {
            h.reply().accept(h.iq().errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
    }

    private static void invoke(IqHandler handler, Stanza iq, Session origin, Consumer<Stanza> reply) {
        CompletionStage<Stanza> stage;
        try {
            stage = handler.handle(iq, origin);
        } catch (RuntimeException e) {
            LOG.error("iq handler {} failed on {}", handler.getClass().getName(), iq, e);
            reply.accept(iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
            return;
        }
        stage.whenComplete((answer, error) -> {
            if (error != null || answer == null) {
                LOG.error("iq handler {} failed on {}", handler.getClass().getName(), iq, error);
                reply.accept(iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
            } else {
                reply.accept(answer);
            }
        });
    }
}
