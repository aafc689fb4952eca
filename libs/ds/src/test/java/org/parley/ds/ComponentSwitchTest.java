package org.parley.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentContext;

class ComponentSwitchTest {
    private final List<String> calls = new ArrayList<>();
    private final ComponentContext context = (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
            new Class<?>[] {ComponentContext.class}, (proxy, method, args) -> {
                calls.add(method.getName() + " " + args[0]);
                return null;
            });

    private final ComponentSwitch store = new ComponentSwitch(ComponentSwitchTest.class, "Local passwords", "org.example",
            "localPasswords", List.of("a.Store", "a.Scram"));

    @Test
    void everyComponentIsEnabledAtStartAndEachChangeActsOnce() {
        assertTrue(store.apply(context, true));
        assertFalse(store.apply(context, true), "another key changed: nothing to do");
        assertTrue(store.apply(context, false));
        assertFalse(store.apply(context, false));
        assertTrue(store.apply(context, true));
        assertEquals(List.of("enableComponent a.Store", "enableComponent a.Scram",
                "disableComponent a.Store", "disableComponent a.Scram",
                "enableComponent a.Store", "enableComponent a.Scram"), calls);
    }

    @Test
    void switchedOffInTheFileTheComponentsNeverStart() {
        assertTrue(store.apply(context, false));
        assertEquals(List.of("disableComponent a.Store", "disableComponent a.Scram"), calls);
    }
}
