package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentContext;

class DirectorySwitchTest {
    private final List<String> calls = new ArrayList<>();
    private final ComponentContext context = (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
            new Class<?>[] {ComponentContext.class}, (proxy, method, args) -> {
                calls.add(method.getName() + " " + args[0]);
                return null;
            });

    private static LdapConfig config(boolean enabled) {
        return (LdapConfig) Proxy.newProxyInstance(LdapConfig.class.getClassLoader(),
                new Class<?>[] {LdapConfig.class},
                (proxy, method, args) -> method.getName().equals("enabled") ? enabled : method.getDefaultValue());
    }

    @Test
    void switchedOffInTheFileItNeverStarts() {
        new DirectorySwitch().apply(context, config(false));
        assertEquals(List.of("disableComponent " + DirectorySwitch.PROVIDER), calls);
    }
}
