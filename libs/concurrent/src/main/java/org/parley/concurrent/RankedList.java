package org.parley.concurrent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Services in the order OSGi ranks them: highest {@code service.ranking} first, then the lowest
 * (oldest) {@code service.id}. Copy on write: readers on the routing path get an immutable list
 * with no lock and no copy; services come and go rarely.
 *
 * @param <T> what is kept per service (the service, or a record of it and its properties)
 */
public final class RankedList<T> {
    private record Entry<T>(T value, int ranking, long serviceId) {
    }

    private static final Comparator<Entry<?>> ORDER = Comparator.comparingInt((Entry<?> e) -> e.ranking()).reversed()
            .thenComparingLong(Entry::serviceId);

    private volatile List<Entry<T>> entries = List.of();
    private volatile List<T> values = List.of();

    public synchronized void add(T value, int ranking, long serviceId) {
        List<Entry<T>> next = new ArrayList<>(entries);
        next.add(new Entry<>(value, ranking, serviceId));
        next.sort(ORDER);
        publish(next);
    }

    /** Removes the entries whose value matches; true when one was removed. */
    public synchronized boolean removeIf(Predicate<T> match) {
        List<Entry<T>> next = new ArrayList<>(entries);
        boolean removed = next.removeIf(e -> match.test(e.value()));
        if (removed) {
            publish(next);
        }
        return removed;
    }

    /** The values, best first; an immutable snapshot. */
    public List<T> values() {
        return values;
    }

    /** The best value, or null when empty. */
    public T first() {
        List<T> v = values;
        return v.isEmpty() ? null : v.get(0);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    private void publish(List<Entry<T>> next) {
        entries = List.copyOf(next);
        values = next.stream().map(Entry::value).toList();
    }
}
