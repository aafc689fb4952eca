package org.parley.usage.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.parley.api.usage.UsageSample;

/** The samples of the last hours, oldest first, at most a fixed number of them. */
final class History {
    private final ArrayDeque<UsageSample> samples = new ArrayDeque<>();
    private int capacity;

    History(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(UsageSample sample) {
        samples.addLast(sample);
        trim();
    }

    synchronized void capacity(int newCapacity) {
        capacity = newCapacity;
        trim();
    }

    private void trim() {
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    synchronized List<UsageSample> list() {
        return List.copyOf(new ArrayList<>(samples));
    }

    synchronized UsageSample latest() {
        return samples.peekLast();
    }
}
