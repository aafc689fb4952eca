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

    /** The bundles of the named features, in start-level order, each id once. */
    List<BundleEntry> bundles(List<String> featureNames) {
        Map<String, BundleEntry> byId = new LinkedHashMap<>();
        for (String name : featureNames) {
            Feature feature = read(name);
            for (FeatureBundle bundle : feature.getBundles()) {
                BundleEntry entry = entry(name, bundle);
                byId.putIfAbsent(entry.id(), entry);
            }
        }
        List<BundleEntry> ordered = new ArrayList<>(byId.values());
        ordered.sort(Comparator.comparingInt(BundleEntry::startLevel));
        return ordered;
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
