package org.parley.session.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.parley.api.stanza.Element;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;
import org.parley.api.stream.UnauthenticatedIqHandler;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream features bundles contribute: what each advertises, in ranking order, and which
 * feature handles the top-level elements of a namespace. While a feature's bundle is replaced,
 * elements of its namespaces wait for the successor for the grace period. The same for the handlers
 * of iqs sent before authentication, by payload namespace.
 */
final class StreamFeatures {
    private static final Logger LOG = LoggerFactory.getLogger(StreamFeatures.class);

    /** A feature with the namespaces it claims and its bundle, for the log. */
    record Entry(StreamFeature feature, List<String> namespaces, String bundle) {
    }

    private final RankedList<Entry> features = new RankedList<>();
    private final Standby<String, StreamFeature> byNamespace;
    private final Standby<String, UnauthenticatedIqHandler> iqHandlers;

    StreamFeatures(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.byNamespace = new Standby<>(timer, graceMillis);
        this.iqHandlers = new Standby<>(timer, graceMillis);
    }

    void addIqHandler(UnauthenticatedIqHandler handler, List<String> namespaces) {
        for (String ns : namespaces) {
            iqHandlers.arrived(ns, handler);
        }
    }

    void removeIqHandler(UnauthenticatedIqHandler handler, List<String> namespaces) {
        for (String ns : namespaces) {
            iqHandlers.departed(ns, handler);
        }
    }

    /** The handler of iqs before authentication with this payload namespace: now, or its successor within the grace period; null when none. */
    CompletionStage<UnauthenticatedIqHandler> iqHandlerOf(String namespace) {
        return iqHandlers.await(namespace);
    }

    /** True when a handler answers iqs of this payload namespace before authentication now or is expected back. */
    boolean answersIq(String namespace) {
        return iqHandlers.current(namespace) != null || iqHandlers.isWaiting(namespace);
    }

    void add(StreamFeature feature, List<String> namespaces, String bundle, int ranking, long serviceId) {
        features.add(new Entry(feature, namespaces, bundle), ranking, serviceId);
        for (String ns : namespaces) {
            byNamespace.arrived(ns, feature);
        }
    }

    void remove(StreamFeature feature, List<String> namespaces) {
        features.removeIf(e -> e.feature() == feature);
        for (String ns : namespaces) {
            byNamespace.departed(ns, feature);
        }
    }

    /** Appends what the registered features offer on this stream now. */
    void advertise(StreamContext stream, Element.Builder features) {
        for (Entry e : this.features.values()) {
            try {
                Element offered = e.feature().advertise(stream);
                if (offered != null) {
                    features.child(offered);
                }
            } catch (RuntimeException ex) {
                LOG.error("Stream feature {} of bundle {} failed to advertise itself", e.feature().getClass().getName(), e.bundle(), ex);
            }
        }
    }

    /** The feature for a namespace: now, or its successor within the grace period; null when none. */
    CompletionStage<StreamFeature> handlerOf(String namespace) {
        return byNamespace.await(namespace);
    }

    /** True when a feature handles the namespace now or is expected back. */
    boolean claims(String namespace) {
        return byNamespace.current(namespace) != null || byNamespace.isWaiting(namespace);
    }

    void close() {
        byNamespace.closeAll();
        iqHandlers.closeAll();
    }
}
