package org.parley.routing.internal;

import java.util.EnumSet;
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
 * Sends iq requests to the handler registered for their payload namespace and for whom they are
 * addressed to, the server or an account (the highest-ranked one). When the last handler of a namespace leaves (its bundle is being upgraded), requests for
 * that namespace wait for the grace period and go to the successor when it arrives, instead of
 * being refused.
 */
final class IqDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IqDispatcher.class);

    record Handler(IqHandler handler, Registration registration) {
    }

    /** Handlers by target and namespace ({@link Target#key}). */
    private final Map<String, RankedList<Handler>> byTarget = new ConcurrentHashMap<>();
    private final Standby<String, Handler> best;

    IqDispatcher(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.best = new Standby<>(timer, graceMillis);
    }

    /** Whom a handler answers for (its {@link IqHandler#TO} service property). */
    enum Target {
        SERVER, ACCOUNT;

        /** The targets a handler registered for: both when the property is absent. */
        static Set<Target> of(List<String> property) {
            if (property.isEmpty()) {
                return EnumSet.allOf(Target.class);
            }
            Set<Target> targets = EnumSet.noneOf(Target.class);
            for (String value : property) {
                switch (value) {
                    case IqHandler.TO_SERVER -> targets.add(SERVER);
                    case IqHandler.TO_ACCOUNT -> targets.add(ACCOUNT);
                    default -> throw new IllegalArgumentException(IqHandler.TO + " is '" + value + "', not '"
                            + IqHandler.TO_SERVER + "' or '" + IqHandler.TO_ACCOUNT + "'");
                }
            }
            return targets;
        }

        /** A request to no one or to an account's bare JID is the account's; one to the domain the server's. */
        static Target of(Stanza iq) {
            return iq.to() == null || iq.to().hasLocalpart() ? ACCOUNT : SERVER;
        }

        String key(String namespace) {
            return this == SERVER ? "server " + namespace : "account " + namespace;
        }
    }

    synchronized void add(IqHandler handler, Registration registration, List<String> namespaces) {
        add(handler, registration, namespaces, EnumSet.allOf(Target.class));
    }

    synchronized void add(IqHandler handler, Registration registration, List<String> namespaces, Set<Target> targets) {
        for (String ns : namespaces) {
            for (Target target : targets) {
                String key = target.key(ns);
                RankedList<Handler> list = byTarget.computeIfAbsent(key, k -> new RankedList<>());
                list.add(new Handler(handler, registration), registration.ranking(), registration.serviceId());
                boolean returning = best.isWaiting(key);
                best.arrived(key, list.first());
                if (returning) {
                    LOG.info("A handler for {} arrived; requests held for it go to it now", key);
                }
            }
        }
    }

    synchronized void remove(IqHandler handler, List<String> namespaces) {
        for (String ns : namespaces) {
            for (Target target : Target.values()) {
                String key = target.key(ns);
                RankedList<Handler> list = byTarget.get(key);
                if (list == null) {
                    continue;
                }
                Handler previous = list.first();
                list.removeIf(h -> h.handler() == handler);
                if (list.isEmpty()) {
                    byTarget.remove(key);
                    best.departed(key, previous);
                } else if (list.first() != previous) {
                    best.arrived(key, list.first());
                }
            }
        }
    }

    /** The namespaces handled now, sorted. */
    Set<String> namespaces() {
        Set<String> namespaces = new TreeSet<>();
        for (String key : byTarget.keySet()) {
            namespaces.add(key.substring(key.indexOf(' ') + 1));
        }
        return namespaces;
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
        String key = Target.of(iq).key(payload.namespace());
        Handler now = best.current(key);
        if (now != null) {
            return invoke(now, iq, origin, true);
        }
        return awaitHandler(key, iq, origin, true);
    }

    private CompletionStage<Stanza> awaitHandler(String key, Stanza iq, Session origin, boolean retry) {
        return best.await(key).thenCompose(h -> h == null
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
            return retry ? awaitHandler(Target.of(iq).key(iq.payload().namespace()), iq, origin, false)
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

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return best.held();
    }
}
