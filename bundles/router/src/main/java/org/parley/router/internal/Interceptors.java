package org.parley.router.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.parley.api.routing.InterceptResult;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered chain of interceptors of one kind (message or presence), highest service ranking
 * first. Readers see an immutable snapshot; bundles come and go without locking the routing path.
 */
final class Interceptors<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Interceptors.class);

    private record Entry<T>(T interceptor, int ranking, long serviceId) {
    }

    private final Call<T> call;
    private volatile List<Entry<T>> chain = List.of();

    /** How to call one interceptor. */
    @FunctionalInterface
    interface Call<T> {
        InterceptResult apply(T interceptor, Stanza stanza, Session origin);
    }

    Interceptors(Call<T> call) {
        this.call = call;
    }

    synchronized void add(T interceptor, int ranking, long serviceId) {
        List<Entry<T>> next = new ArrayList<>(chain);
        next.add(new Entry<>(interceptor, ranking, serviceId));
        next.sort(Comparator.comparingInt((Entry<T> e) -> e.ranking()).reversed().thenComparingLong(Entry::serviceId));
        chain = List.copyOf(next);
    }

    synchronized void remove(T interceptor) {
        List<Entry<T>> next = new ArrayList<>(chain);
        next.removeIf(e -> e.interceptor() == interceptor);
        chain = List.copyOf(next);
    }

    /** Runs the chain; returns the stanza to route on, or null when an interceptor consumed it. */
    Stanza apply(Stanza stanza, Session origin) {
        Stanza current = stanza;
        for (Entry<T> entry : chain) {
            InterceptResult result;
            try {
                result = call.apply(entry.interceptor(), current, origin);
            } catch (RuntimeException e) {
                LOG.error("Interceptor {} failed; the stanza continues without it", entry.interceptor().getClass().getName(), e);
                continue;
            }
            if (result == null || result.isConsumed()) {
                return null;
            }
            current = result.stanza();
        }
        return current;
    }
}
