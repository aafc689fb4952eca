package org.parley.tls.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link TlsConfig} instances as DS would: given values, else the annotation's defaults. */
final class TestConfig {
    private final Map<String, Object> values = new HashMap<>();

    static TestConfig defaults() {
        return new TestConfig();
    }

    TestConfig with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    TlsConfig build() {
        Map<String, Object> snapshot = Map.copyOf(values);
        return (TlsConfig) Proxy.newProxyInstance(TlsConfig.class.getClassLoader(), new Class<?>[] {TlsConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> TlsConfig.class;
                    case "toString" -> "TlsConfig" + snapshot;
                    case "hashCode" -> snapshot.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> snapshot.containsKey(method.getName())
                            ? snapshot.get(method.getName()) : method.getDefaultValue();
                });
    }
}
