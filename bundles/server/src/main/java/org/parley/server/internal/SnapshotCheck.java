package org.parley.server.internal;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Node;

/**
 * Walks a snapshot and refuses objects of the depositor's own classes, which would keep its old
 * class loader alive. Containers (collections, maps, arrays) and elements are walked into; any
 * other object is a value whose class is checked. A cycle is walked once.
 */
final class SnapshotCheck {
    private final Predicate<Class<?>> ownClass;

    /** @param ownClass true for a class the depositing bundle loaded */
    SnapshotCheck(Predicate<Class<?>> ownClass) {
        this.ownClass = ownClass;
    }

    void check(Object snapshot) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(snapshot);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (o == null || seen.put(o, Boolean.TRUE) != null) {
                continue;
            }
            Class<?> cls = o.getClass();
            if (ownClass.test(cls)) {
                throw new IllegalArgumentException("a snapshot must hold JDK and api values only, not " + cls.getName()
                        + ", a class of the depositing bundle (it would keep the old bundle's class loader alive)");
            }
            if (o instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    todo.push(e.getKey() == null ? "" : e.getKey());
                    if (e.getValue() != null) {
                        todo.push(e.getValue());
                    }
                }
            } else if (o instanceof Collection<?> c) {
                for (Object item : c) {
                    if (item != null) {
                        todo.push(item);
                    }
                }
            } else if (o instanceof Object[] array) {
                for (Object item : array) {
                    if (item != null) {
                        todo.push(item);
                    }
                }
            } else if (o instanceof Element e) {
                for (Node child : e.children()) {
                    todo.push(child);
                }
            }
        }
    }
}
