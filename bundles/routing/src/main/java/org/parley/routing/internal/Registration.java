package org.parley.routing.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * What routing needs to know of a bound service besides the service: its order, its identity
 * across an upgrade (the component name its successor shares) and its bundle (for the log).
 */
record Registration(int ranking, long serviceId, String name, String bundle) {
    static Registration of(ServiceReference<?> reference) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        Object id = reference.getProperty(Constants.SERVICE_ID);
        Object component = reference.getProperty("component.name");
        Bundle b = reference.getBundle();
        String bundle = b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
        return new Registration(ranking instanceof Integer i ? i : 0, id instanceof Long l ? l : 0L,
                component != null ? component.toString() : bundle + "#" + id, bundle);
    }

    /** For tests: a registration without a framework. */
    static Registration of(Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object id = properties.get(Constants.SERVICE_ID);
        Object component = properties.get("component.name");
        return new Registration(ranking instanceof Integer i ? i : 0, id instanceof Long l ? l : 0L,
                component != null ? component.toString() : "service#" + id, "test");
    }

    static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        return List.of();
    }
}
