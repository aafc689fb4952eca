package org.parley.admin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Component configuration read and changed through its metatype. A change is validated against
 * the attribute definitions first (type, range, options), then as a whole by the bundle that owns
 * the PID (its {@link ConfigurationChecker}: rules between keys, and domains no metatype can say,
 * such as addresses, networks and URLs); a refused value names its key and the reason (for a
 * number out of range, the bound it crossed and the range) and nothing is written.
 * An accepted change is written to the instance's
 * {@code etc/<pid>.cfg}, keeping the operator's comments: that file is what the server reads at
 * every start, and FileInstall applies it live from there, exactly as an edit by hand would be.
 */
final class ConfigManager {
    private static final long APPLY_WAIT_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigManager.class);

    private final BundleContext context;
    private final Path etc;

    ConfigManager(BundleContext context, Path etc) {
        this.context = context;
        this.etc = etc;
    }

    /** Every configuration PID a bundle describes with metatype, with its name. */
    List<Map<String, Object>> list(MetaTypeService metatype) {
        Map<String, Map<String, Object>> byPid = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : info.getPids()) {
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("pid", pid);
                m.put("name", ocd.getName());
                m.put("description", ocd.getDescription());
                m.put("bundle", b.getSymbolicName());
                byPid.put(pid, m);
            }
        }
        return new ArrayList<>(byPid.values());
    }

    Map<String, Object> read(MetaTypeService metatype, ConfigurationAdmin configAdmin, String pid) throws ApiException {
        Described described = described(metatype, pid);
        ObjectClassDefinition ocd = described.ocd();
        Map<String, MetatypeRanges.Range> ranges = MetatypeRanges.of(described.bundle(), pid);
        Dictionary<String, Object> current = current(configAdmin, pid);
        List<Map<String, Object>> attributes = new ArrayList<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("key", ad.getID());
            a.put("name", ad.getName());
            a.put("description", ad.getDescription());
            a.put("type", typeName(ad.getType()));
            a.put("cardinality", ad.getCardinality());
            a.put("default", ad.getDefaultValue() == null ? null : List.of(ad.getDefaultValue()));
            if (ad.getOptionValues() != null) {
                a.put("options", List.of(ad.getOptionValues()));
            }
            MetatypeRanges.Range range = ranges.get(ad.getID());
            if (range != null) {
                a.put("min", range.min());
                a.put("max", range.max());
                a.put("range", range.describe());
            }
            Object value = current == null ? null : current.get(ad.getID());
            if (value != null && isSecret(ad)) {
                a.put("value", MASK); // set, but never shown: a console is no place to read a bind password back
            } else {
                a.put("value", value == null ? null : value.getClass().isArray() ? arrayToList(value) : value.toString());
            }
            a.put("secret", isSecret(ad));
            attributes.add(a);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pid", pid);
        result.put("name", ocd.getName());
        result.put("description", ocd.getDescription());
        result.put("attributes", attributes);
        return result;
    }

    /**
     * A change written and in force.
     *
     * @param values the values now in force
     * @param checkedBy the bundle whose {@link ConfigurationChecker} accepted the whole configuration, or
     *        null when no running bundle checks this PID
     * @param note for an unchecked change, what the operator should know; otherwise null
     */
    record Applied(Map<String, String> values, String checkedBy, String note) {
    }

    /**
     * Validates every value against the metatype, then the whole configuration as it would be with
     * the bundle that owns the PID (its {@link ConfigurationChecker}), then writes them all or none.
     *
     * @param changes key to its new value as text (a list for a multi-valued attribute)
     */
    Applied change(MetaTypeService metatype, ConfigurationAdmin configAdmin, String pid, Map<String, Object> changes)
            throws ApiException {
        Described described = described(metatype, pid);
        ObjectClassDefinition ocd = described.ocd();
        Map<String, MetatypeRanges.Range> ranges = MetatypeRanges.of(described.bundle(), pid);
        if (changes.isEmpty()) {
            throw ApiException.badRequest("no values to change");
        }
        Map<String, AttributeDefinition> byKey = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            byKey.put(ad.getID(), ad);
        }
        Map<String, String> lines = new LinkedHashMap<>();
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            String key = change.getKey();
            AttributeDefinition ad = byKey.get(key);
            if (ad == null) {
                throw ApiException.unprocessable(pid + ": key '" + key + "' is not a setting of this component (its keys: "
                        + String.join(", ", byKey.keySet()) + ")");
            }
            Object value = change.getValue();
            if (value == null || value instanceof Map) {
                throw ApiException.unprocessable(pid + ": key '" + key + "' needs a value");
            }
            List<String> values = new ArrayList<>();
            if (value instanceof List<?> list) {
                if (ad.getCardinality() == 0) {
                    throw ApiException.unprocessable(pid + ": key '" + key + "' takes one value, not a list");
                }
                if (list.size() != 1) {
                    // A .cfg file holds one string per key: several values would reach the component as one.
                    throw ApiException.unprocessable(pid + ": key '" + key + "' has several values; change it in etc/" + pid
                            + ".cfg (the API sets one value)");
                }
                list.forEach(v -> values.add(String.valueOf(v)));
            } else {
                values.add(String.valueOf(value));
            }
            for (String v : values) {
                if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                    throw ApiException.unprocessable(pid + ": key '" + key + "' cannot hold a line break");
                }
                MetatypeRanges.Range range = ranges.get(key);
                String outside = range == null ? null : range.refusal(v);
                if (outside != null) {
                    throw refused(pid, pid + ": key '" + key + "' refused: " + outside + " (allowed: " + range.describe()
                            + "; the running configuration is unchanged)", List.of(new ConfigurationProblem(key, outside)), null);
                }
                String problem = ad.validate(v);
                if (problem != null && !problem.isEmpty()) {
                    throw refused(pid, pid + ": key '" + key + "' refused, the value '" + v + "' is " + problem
                            + " (the running configuration is unchanged)",
                            List.of(new ConfigurationProblem(key, "the value '" + v + "' is " + problem)), null);
                }
            }
            lines.put(key, String.join(",", values));
        }
        Verdict verdict = askOwner(pid, proposed(configAdmin, pid, lines));
        if (!verdict.problems().isEmpty()) {
            throw refused(pid, pid + ": " + describe(verdict.problems()) + " (checked by " + verdict.checkedBy()
                    + "; the running configuration is unchanged)", verdict.problems(), verdict.checkedBy());
        }
        Path file = etc.resolve(pid + ".cfg");
        try {
            writeProperties(file, lines);
        } catch (IOException e) {
            throw new ApiException(500, "cannot write " + file + ": " + e.getMessage());
        }
        awaitApplied(configAdmin, pid, lines);
        return new Applied(lines, verdict.checkedBy(), verdict.checkedBy() != null ? null
                : "no running bundle checks " + pid + " (its bundle is stopped or has no checker): only the ranges were checked; "
                        + "the bundle checks the configuration when it starts and logs what it refuses");
    }

    /**
     * What the owning bundles' checkers said: no checker (checkedBy null), no problem (checkedBy:
     * the bundles that accepted), or the problems (checkedBy: the bundles that refused).
     */
    private record Verdict(String checkedBy, List<ConfigurationProblem> problems) {
    }

    /**
     * Asks the checker the bundle owning the PID registered. Without one (the bundle is stopped)
     * the change goes ahead unchecked: an operator must be able to fix the configuration of a
     * bundle that cannot start. A checker that fails counts as none, with the failure logged.
     */
    private Verdict askOwner(String pid, Map<String, Object> proposed) {
        java.util.Collection<ServiceReference<ConfigurationChecker>> refs;
        try {
            refs = context.getServiceReferences(ConfigurationChecker.class, "(" + ConfigurationChecker.PID + "="
                    + pid.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)") + ")");
        } catch (InvalidSyntaxException e) {
            return new Verdict(null, List.of());
        }
        // Several bundles may read one PID (org.parley.admin): each is asked; the answer names the ones that refused, or all that accepted.
        java.util.Set<String> accepted = new java.util.LinkedHashSet<>();
        java.util.Set<String> refusing = new java.util.LinkedHashSet<>();
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (ServiceReference<ConfigurationChecker> ref : refs) {
            ConfigurationChecker checker = context.getService(ref);
            if (checker == null) {
                continue;
            }
            try {
                List<ConfigurationProblem> found = checker.check(java.util.Collections.unmodifiableMap(proposed));
                problems.addAll(found);
                (found.isEmpty() ? accepted : refusing).add(ref.getBundle().getSymbolicName());
            } catch (RuntimeException e) {
                LOG.error("The configuration checker of {} for {} failed; the change is treated as unchecked", ref.getBundle(), pid, e);
            } finally {
                context.ungetService(ref);
            }
        }
        java.util.Set<String> named = refusing.isEmpty() ? accepted : refusing;
        return new Verdict(named.isEmpty() ? null : String.join(", ", named), problems);
    }

    /** The configuration as it would be: the one in force with the changed keys replaced, as FileInstall would give it. */
    private static Map<String, Object> proposed(ConfigurationAdmin configAdmin, String pid, Map<String, String> lines) throws ApiException {
        Map<String, Object> proposed = new LinkedHashMap<>();
        Dictionary<String, Object> now = current(configAdmin, pid);
        if (now != null) {
            for (java.util.Enumeration<String> keys = now.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                proposed.put(k, now.get(k));
            }
        }
        proposed.putAll(lines);
        return proposed;
    }

    private static String describe(List<ConfigurationProblem> problems) {
        List<String> parts = new ArrayList<>();
        for (ConfigurationProblem p : problems) {
            parts.add(p.key() == null ? "refused: " + p.reason() : "key '" + p.key() + "' refused: " + p.reason());
        }
        return String.join("; ", parts);
    }

    private static ApiException refused(String pid, String message, List<ConfigurationProblem> problems, String checkedBy) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ConfigurationProblem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", p.key());
            m.put("reason", p.reason());
            list.add(m);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pid", pid);
        details.put("problems", list);
        if (checkedBy != null) {
            details.put("checkedBy", checkedBy);
        }
        return new ApiException(422, message, details);
    }

    static final String MASK = "********";

    /** Password-typed, or named like a secret (the components' metatypes do not all use the password type). */
    static boolean isSecret(AttributeDefinition ad) {
        String id = ad.getID().toLowerCase(java.util.Locale.ROOT);
        return ad.getType() == AttributeDefinition.PASSWORD || id.contains("password") || id.contains("secret");
    }

    /** What the audit log may say about a change: secrets masked. */
    Map<String, String> forAudit(MetaTypeService metatype, String pid, Map<String, String> applied) {
        Map<String, String> result = new LinkedHashMap<>(applied);
        try {
            for (AttributeDefinition ad : described(metatype, pid).ocd().getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                if (result.containsKey(ad.getID()) && isSecret(ad)) {
                    result.put(ad.getID(), MASK);
                }
            }
        } catch (ApiException e) {
            result.replaceAll((k, v) -> MASK);
        }
        return result;
    }

    /** A configuration's definition and the bundle whose metatype gives it (where its ranges are read). */
    private record Described(Bundle bundle, ObjectClassDefinition ocd) {
    }

    private Described described(MetaTypeService metatype, String pid) throws ApiException {
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info != null && List.of(info.getPids()).contains(pid)) {
                return new Described(b, info.getObjectClassDefinition(pid, null));
            }
        }
        throw ApiException.notFound("no component describes the configuration " + pid);
    }

    private static Dictionary<String, Object> current(ConfigurationAdmin configAdmin, String pid) throws ApiException {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found.length == 0 ? null : found[0].getProperties();
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            throw ApiException.badRequest("not a configuration PID: " + pid);
        }
    }

    /** FileInstall polls etc/ every second: the change is in force once ConfigAdmin holds it. */
    private static void awaitApplied(ConfigurationAdmin configAdmin, String pid, Map<String, String> lines) throws ApiException {
        long deadline = System.currentTimeMillis() + APPLY_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Dictionary<String, Object> now = current(configAdmin, pid);
            if (now != null && lines.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), text(now.get(e.getKey()))))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ApiException(504, pid + ": the change was written to etc/" + pid + ".cfg but is not in force after "
                + APPLY_WAIT_MILLIS / 1000 + " s; see the server log");
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            arrayToList(value).forEach(v -> parts.add(String.valueOf(v)));
            return String.join(",", parts);
        }
        return value.toString();
    }

    private static List<Object> arrayToList(Object array) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < java.lang.reflect.Array.getLength(array); i++) {
            list.add(java.lang.reflect.Array.get(array, i));
        }
        return list;
    }

    private static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.STRING -> "string";
            case AttributeDefinition.LONG -> "long";
            case AttributeDefinition.INTEGER -> "integer";
            case AttributeDefinition.SHORT -> "short";
            case AttributeDefinition.CHARACTER -> "character";
            case AttributeDefinition.BYTE -> "byte";
            case AttributeDefinition.DOUBLE -> "double";
            case AttributeDefinition.FLOAT -> "float";
            case AttributeDefinition.BOOLEAN -> "boolean";
            case AttributeDefinition.PASSWORD -> "password";
            default -> Integer.toString(type);
        };
    }

    /** Replaces each key's line in a .cfg file (keeping comments), appends missing keys; one atomic move. */
    static void writeProperties(Path file, Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            String key = trimmed.startsWith("#") || eq < 0 ? null : trimmed.substring(0, eq).strip();
            if (key != null && values.containsKey(key)) {
                out.add(key + " = " + escape(values.get(key)));
                missing.remove(key);
            } else {
                out.add(line);
            }
        }
        missing.forEach((k, v) -> out.add(k + " = " + escape(v)));
        // Named outside FileInstall's *.cfg filter until it is complete.
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.write(partial, out);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A properties value: backslashes doubled, a leading blank kept. */
    private static String escape(String value) {
        String escaped = value.replace("\\", "\\\\");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }
}
