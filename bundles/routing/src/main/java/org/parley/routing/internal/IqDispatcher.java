package org.parley.routing.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends iq requests to the handler registered for their payload namespace (the highest-ranked
 * one). When the last handler of a namespace leaves (its bundle is being upgraded), requests for
 * that namespace wait for the grace period and go to the successor when it arrives, instead of
 * being refused.
 */
final class IqDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IqDispatcher.class);

    record Handler(IqHandler handler, Registration registration) {
    }

    private final Map<String, RankedList<Handler>> byNamespace = new ConcurrentHashMap<>();
    private final Standby<String, Handler> best;

    IqDispatcher(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.best = new Standby<>(timer, graceMillis);
    }

    synchronized void add(IqHandler handler, Registration registration, List<String> namespaces) {
        for (String ns : namespaces) {
            RankedList<Handler> list = byNamespace.computeIfAbsent(ns, k -> new RankedList<>());
            list.add(new Handler(handler, registration), registration.ranking(), registration.serviceId());
            boolean returning = best.isWaiting(ns);
            best.arrived(ns, list.first());
            if (returning) {
                LOG.info("A handler for {} arrived; requests held for it go to it now", ns);
            }
        }
    }

    synchronized void remove(IqHandler handler, List<String> namespaces) {
        for (String ns : namespaces) {
            RankedList<Handler> list = byNamespace.get(ns);
            if (list == null) {
                continue;
            }
            Handler previous = list.first();
            list.removeIf(h -> h.handler() == handler);
            if (list.isEmpty()) {
                byNamespace.remove(ns);
                best.departed(ns, previous);
            } else if (list.first() != previous) {
                best.arrived(ns, list.first());
            }
        }
    }

    /** The namespaces handled now, sorted. */
    Set<String> namespaces() {
        return new TreeSet<>(byNamespace.keySet());
    }

    /**
     * Answers one iq get or set addressed to the server or an account.
     *
     * @return the answer (a result or an error), possibly later
     */
    CompletionStage<Stanza> dispatch(Stanza iq, Session origin) {
        Element payload = iq.payload();
        if (payload == null || iq.element().elements().size() != 1) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST,
                    "an iq request carries exactly one payload"));
        }
        String ns = payload.namespace();
        Handler now = best.current(ns);
        if (now != null) {
            return invoke(now, iq, origin, true);
        }
        return awaitHandler(ns, iq, origin, true);
    }

    private CompletionStage<Stanza> awaitHandler(String ns, Stanza iq, Session origin, boolean retry) {
        return best.await(ns).thenCompose(h -> h == null
                ? CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null))
                : invoke(h, iq, origin, retry));
    }

    void close() {
        best.closeAll();
    }

    private CompletionStage<Stanza> invoke(Handler h, Stanza iq, Session origin, boolean retry) {
        CompletionStage<Stanza> stage;
        try {
            stage = h.handler().handle(iq, origin);
        } catch (LazyService.GoneException gone) {
            // It left as we called it (its bundle is being replaced): its successor answers.
            return retry ? awaitHandler(iq.payload().namespace(), iq, origin, false)
                    : CompletableFuture.completedFuture(failed(h, iq, gone));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(h, iq, e));
        }
        if (stage == null) {
            return CompletableFuture.completedFuture(failed(h, iq, new NullPointerException("the handler returned no stage")));
        }
        return stage.handle((answer, error) -> {
            if (error != null || answer == null) {
                return failed(h, iq, error != null ? error : new NullPointerException("the handler answered null"));
            }
            return answer;
        });
    }

    private static Stanza failed(Handler h, Stanza iq, Throwable error) {
        LOG.error("iq handler {} of bundle {} failed on {}", h.registration().name(), h.registration().bundle(), iq, error);
        return iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }
}
