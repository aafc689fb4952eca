package org.parley.mailhook.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** A MailHookConfig as SCR builds it from a cfg file: the given values, the declared defaults for the rest. */
final class Configs {
    private Configs() {
    }

    static MailHookConfig config(Object... keysAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return (MailHookConfig) Proxy.newProxyInstance(MailHookConfig.class.getClassLoader(), new Class<?>[] {MailHookConfig.class},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> MailHookConfig.class;
                        case "toString" -> "MailHookConfig" + values;
                        case "hashCode" -> values.hashCode();
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }
}
