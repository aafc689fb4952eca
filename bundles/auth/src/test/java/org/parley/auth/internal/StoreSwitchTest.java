package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;

class StoreSwitchTest {
    private final List<String> calls = new ArrayList<>();
    private final Bundle bundle = proxy(Bundle.class, (p, m, a) -> m.getName().equals("getBundleId") ? 7L : null);
    private final BundleContext bundleContext = proxy(BundleContext.class, (p, m, a) -> switch (m.getName()) {
        case "getServiceReferences" -> List.of();
        case "getBundle" -> bundle;
        default -> null;
    });
    private final ComponentContext context = proxy(ComponentContext.class, (p, m, a) -> {
        if (m.getName().equals("getBundleContext")) {
            return bundleContext;
        }
        calls.add(m.getName() + " " + a[0]);
        return null;
    });

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static AuthConfig config(boolean localPasswords) {
        return proxy(AuthConfig.class, (p, m, a) -> m.getName().equals("localPasswords") ? localPasswords : m.getDefaultValue());
    }

    private static List<String> each(String call) {
        return StoreSwitch.COMPONENTS.stream().map(c -> call + " " + c).toList();
    }

    @Test
    void switchedOffInTheFileTheyNeverStart() {
        new StoreSwitch().apply(context, config(false));
        assertEquals(each("disableComponent"), calls);
    }
}
