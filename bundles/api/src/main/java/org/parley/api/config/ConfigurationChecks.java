package org.parley.api.config;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a {@link ConfigurationChecker} on the very method a component validates its
 * configuration with, so the two cannot disagree: the proposed properties are turned into the
 * component's configuration type the way Declarative Services does it (property names from
 * method names, values coerced to the return types, absent keys taking the annotation's
 * defaults), handed to that method, and an {@link IllegalArgumentException} it throws becomes the
 * problem. The key at fault is the configuration key the exception's message starts with
 * ({@code "key 'port' must ..."}, {@code "port: ..."}, {@code "port must ..."}).
 */
public final class ConfigurationChecks {
    private ConfigurationChecks() {
    }

    /**
     * @param type the component's configuration type (the {@code @ObjectClassDefinition} annotation)
     * @param proposed the whole proposed configuration
     * @param validate what the component runs on activate and modified; throws
     *        {@link IllegalArgumentException} naming the key for a value it refuses
     * @return no problem, or the one the component's validation stops at
     */
    public static <C> List<ConfigurationProblem> check(Class<C> type, Map<String, ?> proposed, Consumer<C> validate) {
        C config;
        try {
            config = typed(type, proposed);
        } catch (IllegalArgumentException e) {
            return List.of(problem(type, e.getMessage()));
        }
        try {
            validate.accept(config);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(problem(type, e.getMessage()));
        }
    }

    /**
     * The configuration as the component would receive it from Declarative Services.
     *
     * @throws IllegalArgumentException naming the key of a value that is not of its type (e.g. a
     *         port that is not a number), when the component would read it
     */
    public static <C> C typed(Class<C> type, Map<String, ?> properties) {
        Map<String, Object> values = new LinkedHashMap<>(properties);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "toString" -> method.getParameterCount() == 0 ? type.getSimpleName() + values : null;
            case "hashCode" -> method.getParameterCount() == 0 ? System.identityHashCode(proxy) : null;
            case "equals" -> method.getParameterCount() == 1 ? proxy == args[0] : null;
            case "annotationType" -> method.getParameterCount() == 0 && type.isAnnotation() ? type : value(method, values);
            default -> value(method, values);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /**
     * Whether a listener could be opened on this address and port now, as a component's own bind
     * would (address reuse on, so a port in TIME_WAIT is free): how a component refuses a port
     * that another listener of this server (or another process) holds, whichever PID configures
     * that one. Call it only for a port the component does not already listen on itself.
     *
     * @return null when the port can be listened on, else why not
     */
    public static String unavailablePort(String bindAddress, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(bindAddress, port), 1);
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return "cannot listen on " + bindAddress + " port " + port + ": " + (e.getMessage() == null ? e : e.getMessage())
                    + " (another listener holds it?)";
        }
    }

    /** The property name Declarative Services maps a configuration type's method to (OSGi Compendium 112.8.2.2). */
    public static String propertyName(String methodName) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            char next = i + 1 < methodName.length() ? methodName.charAt(i + 1) : 0;
            if (c == '$') {
                if (next == '$') {
                    out.append('$');
                    i++;
                } else if (next == '_' && i + 2 < methodName.length() && methodName.charAt(i + 2) == '$') {
                    out.append('-');
                    i += 2;
                }
            } else if (c == '_') {
                if (next == '_') {
                    out.append('_');
                    i++;
                } else {
                    out.append('.');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The problem a component's refusal message describes, its key found among the type's keys
     * (for a component that collects its refusals as messages instead of throwing the first).
     */
    public static ConfigurationProblem problem(Class<?> type, String message) {
        String text = message == null || message.isBlank() ? "refused" : message.strip();
        for (Method m : type.getDeclaredMethods()) {
            String key = propertyName(m.getName());
            if (text.startsWith("key '" + key + "'")) {
                String rest = text.substring(key.length() + 6).strip();
                rest = rest.startsWith(":") || rest.startsWith(",") ? rest.substring(1).strip() : rest;
                return new ConfigurationProblem(key, rest.isEmpty() ? text : rest);
            }
            if (text.startsWith(key + ":") && text.length() > key.length() + 1) {
                return new ConfigurationProblem(key, text.substring(key.length() + 1).strip());
            }
            if (text.startsWith(key + " ")) {
                return new ConfigurationProblem(key, text); // "c2sPort and c2sTlsPort must differ": the first key named
            }
        }
        int close = text.indexOf('\'', 5);
        if (text.startsWith("key '") && close > 5) { // a key no method names, e.g. one of a family ("secret.<domain>")
            String rest = text.substring(close + 1).strip();
            rest = rest.startsWith(":") || rest.startsWith(",") ? rest.substring(1).strip() : rest;
            return new ConfigurationProblem(text.substring(5, close), rest.isEmpty() ? text : rest);
        }
        return new ConfigurationProblem(null, text);
    }

    private static Object value(Method method, Map<String, Object> values) {
        String key = propertyName(method.getName());
        Object raw = values.get(key);
        Class<?> target = method.getReturnType();
        if (raw == null) {
            Object def = method.getDefaultValue();
            return def != null ? def : target.isPrimitive() ? coerce(key, target, target == boolean.class ? "false" : "0") : null;
        }
        if (target.isArray()) {
            List<Object> items = items(raw);
            Object array = Array.newInstance(target.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, coerce(key, target.getComponentType(), items.get(i)));
            }
            return array;
        }
        List<Object> items = items(raw);
        return items.isEmpty() ? method.getDefaultValue() : coerce(key, target, items.get(0));
    }

    private static List<Object> items(Object raw) {
        List<Object> items = new ArrayList<>();
        if (raw.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(raw); i++) {
                items.add(Array.get(raw, i));
            }
        } else if (raw instanceof Collection<?> c) {
            items.addAll(c);
        } else {
            items.add(raw); // a scalar for an array type is a one-element array, as Declarative Services makes it
        }
        return items;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object coerce(String key, Class<?> target, Object v) {
        if (target.isInstance(v)) {
            return v;
        }
        String s = String.valueOf(v).strip();
        try {
            if (target == String.class) {
                return String.valueOf(v);
            } else if (target == boolean.class || target == Boolean.class) {
                return v instanceof Boolean b ? b : Boolean.parseBoolean(s);
            } else if (target == int.class || target == Integer.class) {
                return v instanceof Number n ? n.intValue() : Integer.parseInt(s);
            } else if (target == long.class || target == Long.class) {
                return v instanceof Number n ? n.longValue() : Long.parseLong(s);
            } else if (target == short.class || target == Short.class) {
                return v instanceof Number n ? n.shortValue() : Short.parseShort(s);
            } else if (target == byte.class || target == Byte.class) {
                return v instanceof Number n ? n.byteValue() : Byte.parseByte(s);
            } else if (target == double.class || target == Double.class) {
                return v instanceof Number n ? n.doubleValue() : Double.parseDouble(s);
            } else if (target == float.class || target == Float.class) {
                return v instanceof Number n ? n.floatValue() : Float.parseFloat(s);
            } else if (target == char.class || target == Character.class) {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("key '" + key + "': empty, a character is needed");
                }
                return s.charAt(0);
            } else if (target.isEnum()) {
                return Enum.valueOf((Class<? extends Enum>) target, s);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key '" + key + "': '" + v + "' is not a number");
        } catch (IllegalArgumentException e) {
            if (target.isEnum()) {
                throw new IllegalArgumentException("key '" + key + "': '" + v + "' is not one of " + List.of(target.getEnumConstants()));
            }
            throw e;
        }
        throw new IllegalArgumentException("key '" + key + "': values of type " + target.getSimpleName() + " are not supported");
    }
}
