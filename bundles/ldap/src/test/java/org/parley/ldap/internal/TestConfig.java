package org.parley.ldap.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** An {@link LdapConfig} as DS builds it: the given values, the annotation's defaults for the rest. */
final class TestConfig {
    private final Map<String, Object> values = new HashMap<>();

    static TestConfig of(TestDirectory d) {
        return new TestConfig().set("urls", new String[] {d.url()}).set("startTls", false)
                .set("bindDn", TestDirectory.SERVICE_DN).set("bindPassword", TestDirectory.SERVICE_PASSWORD)
                .set("baseDn", TestDirectory.BASE).set("timeoutMillis", 2000).set("connectTimeoutMillis", 2000);
    }

    TestConfig set(String key, Object value) {
        values.put(key, value);
        return this;
    }

    LdapConfig build() {
        Map<String, Object> copy = Map.copyOf(values);
        return (LdapConfig) Proxy.newProxyInstance(LdapConfig.class.getClassLoader(), new Class<?>[] {LdapConfig.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? copy.toString() : method.invoke(copy, args);
                    }
                    return copy.containsKey(method.getName()) ? copy.get(method.getName()) : defaultOf(method);
                });
    }

    private static Object defaultOf(Method m) {
        return m.getDefaultValue();
    }
}
