package org.parley.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureExtension;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;

/**
 * Reads the distribution's feature descriptors (OSGi Feature format, Compendium R8 ch. 159) and
 * resolves each bundle id to its jar in {@code system/}, laid out as a Maven repository.
 */
final class Features {
    /** Bundle metadata: the start level. */
    static final String START_ORDER = "start-order";
    /** Bundle metadata: true for bundles that serve users, left out when running a command offline. */
    static final String ONLINE_ONLY = "parley.online-only";
    /**
     * Extension (text, one feature name a line): features this one needs, started with it. The
     * Feature format has no dependencies between features; a mandatory extension is its way to
     * say what a launcher must understand.
     */
    static final String REQUIRES = "parley.requires";
    /**
     * Extension (text, {@code key=value} a line): framework properties this feature's bundles
     * read at start, before any configuration could reach them (Felix HTTP's
     * {@code org.apache.felix.http.require.config}, which keeps Jetty from opening its default
     * port before the http feature has configured it).
     */
    static final String FRAMEWORK_PROPERTIES = "parley.framework-properties";

    /** One bundle to install. */
    record BundleEntry(String id, Path jar, int startLevel, boolean onlineOnly) {
    }

    private final Path home;
    private final FeatureService service;

    Features(Path home) {
        this.home = home;
        this.service = ServiceLoader.load(FeatureService.class, Features.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new LauncherException("no OSGi Feature Service implementation on the class path"));
    }

    /** The bundles of the named features and of those they require, in start-level order, each id once. */
    List<BundleEntry> bundles(List<String> featureNames) {
        Map<String, BundleEntry> byId = new LinkedHashMap<>();
        for (Feature feature : withRequired(featureNames)) {
            String name = feature.getName().orElse(feature.getID().toString());
            for (FeatureBundle bundle : feature.getBundles()) {
                BundleEntry entry = entry(name, bundle);
                byId.putIfAbsent(entry.id(), entry);
            }
        }
        List<BundleEntry> ordered = new ArrayList<>(byId.values());
        ordered.sort(Comparator.comparingInt(BundleEntry::startLevel));
        return ordered;
    }

    /**
     * The framework properties the named features (and those they require) set. Two features
     * setting one property to different values is an error rather than a silent pick.
     */
    Map<String, String> frameworkProperties(List<String> featureNames) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        for (Feature feature : withRequired(featureNames)) {
            String name = feature.getName().orElse(feature.getID().toString());
            for (String line : text(feature, FRAMEWORK_PROPERTIES)) {
                int eq = line.indexOf('=');
                if (eq < 1) {
                    throw new LauncherException("feature '" + name + "': " + FRAMEWORK_PROPERTIES
                            + " line '" + line + "' is not key=value");
                }
                String key = line.substring(0, eq).trim();
                String value = line.substring(eq + 1).trim();
                String previous = properties.putIfAbsent(key, value);
                if (previous != null && !previous.equals(value)) {
                    throw new LauncherException("features '" + setBy.get(key) + "' and '" + name + "' set the framework property "
                            + key + " to different values (" + previous + ", " + value + ")");
                }
                setBy.putIfAbsent(key, name);
            }
        }
        return properties;
    }

    /** The named features, each after the features it requires, each once. */
    private List<Feature> withRequired(List<String> featureNames) {
        Map<String, Feature> ordered = new LinkedHashMap<>();
        for (String name : featureNames) {
            addWithRequired(name, ordered, new ArrayList<>());
        }
        return new ArrayList<>(ordered.values());
    }

    private void addWithRequired(String name, Map<String, Feature> ordered, List<String> path) {
        if (ordered.containsKey(name)) {
            return;
        }
        if (path.contains(name)) {
            throw new LauncherException("features require each other in a circle: " + String.join(" -> ", path) + " -> " + name);
        }
        Feature feature = read(name);
        path.add(name);
        for (String required : text(feature, REQUIRES)) {
            addWithRequired(required.trim(), ordered, path);
        }
        path.remove(path.size() - 1);
        ordered.put(name, feature);
    }

    private static List<String> text(Feature feature, String extension) {
        FeatureExtension value = feature.getExtensions().get(extension);
        if (value == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String line : value.getText()) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    private Feature read(String name) {
        Path file = home.resolve("features").resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new LauncherException("unknown feature '" + name + "' (no " + file + ")");
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            return service.readFeature(reader);
        } catch (IOException | RuntimeException e) {
            throw new LauncherException("cannot read feature " + file + ": " + e.getMessage());
        }
    }

    private BundleEntry entry(String featureName, FeatureBundle bundle) {
        ID id = bundle.getID();
        String fileName = id.getArtifactId() + "-" + id.getVersion()
                + id.getClassifier().map(c -> "-" + c).orElse("") + "." + id.getType().orElse("jar");
        Path jar = home.resolve("system").resolve(id.getGroupId().replace('.', '/'))
                .resolve(id.getArtifactId()).resolve(id.getVersion()).resolve(fileName);
        if (!Files.isRegularFile(jar)) {
            throw new LauncherException("feature '" + featureName + "' names " + id + " but " + jar + " is missing");
        }
        Map<String, Object> meta = bundle.getMetadata();
        // The Feature reader hands metadata back as JSON-ish values: numbers as Long, but a
        // boolean as the String "true"; accept both.
        int level = meta.get(START_ORDER) instanceof Number n ? n.intValue() : 10;
        boolean onlineOnly = Boolean.parseBoolean(String.valueOf(meta.get(ONLINE_ONLY)));
        return new BundleEntry(id.toString(), jar, level, onlineOnly);
    }
}
