package org.parley.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesTest {
    @TempDir
    Path home;

    private void feature(String name, String bundlesJson) throws IOException {
        Files.createDirectories(home.resolve("features"));
        Files.writeString(home.resolve("features").resolve(name + ".json"),
                "{ \"feature-resource-version\": \"1.0\", \"id\": \"org.example:f:osgifeature:" + name + ":1.0\", \"bundles\": [" + bundlesJson + "] }");
    }

    private void jar(String group, String artifact, String version) throws IOException {
        Path dir = home.resolve("system").resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(artifact + "-" + version + ".jar"), "not really a jar");
    }

    private void featureWith(String name, String bundlesJson, String extensionsJson) throws IOException {
        Files.createDirectories(home.resolve("features"));
        Files.writeString(home.resolve("features").resolve(name + ".json"),
                "{ \"feature-resource-version\": \"1.0\", \"id\": \"org.example:f:osgifeature:" + name + ":1.0\", \"name\": \"" + name
                        + "\", \"bundles\": [" + bundlesJson + "], \"extensions\": {" + extensionsJson + "} }");
    }

    private static String text(String extension, String... lines) {
        return "\"" + extension + "\": { \"type\": \"text\", \"kind\": \"mandatory\", \"text\": [\""
                + String.join("\", \"", lines) + "\"] }";
    }

    @Test
    void aRequiredFeatureIsStartedWithTheOneThatNamesIt() throws IOException {
        jar("org.example", "jetty", "1.0");
        jar("org.example", "console", "1.0");
        featureWith("http", "{\"id\": \"org.example:jetty:1.0\", \"start-order\": 4}", "");
        featureWith("admin", "{\"id\": \"org.example:console:1.0\", \"start-order\": 8}", text(Features.REQUIRES, "http"));

        List<Features.BundleEntry> bundles = new Features(home).bundles(List.of("admin"));

        assertEquals(List.of("org.example:jetty:1.0", "org.example:console:1.0"), bundles.stream().map(Features.BundleEntry::id).toList());
    }

    @Test
    void frameworkPropertiesOfRequiredFeaturesAreCollected() throws IOException {
        featureWith("http", "", text(Features.FRAMEWORK_PROPERTIES, "org.example.require.config = true"));
        featureWith("admin", "", text(Features.REQUIRES, "http"));
        featureWith("im", "", "");

        assertEquals(java.util.Map.of("org.example.require.config", "true"), new Features(home).frameworkProperties(List.of("im", "admin")));
        assertEquals(java.util.Map.of(), new Features(home).frameworkProperties(List.of("im")));
    }

    @Test
    void twoFeaturesDisagreeingOnAFrameworkPropertyIsAnError() throws IOException {
        featureWith("a", "", text(Features.FRAMEWORK_PROPERTIES, "x=1"));
        featureWith("b", "", text(Features.FRAMEWORK_PROPERTIES, "x=2"));

        LauncherException e = assertThrows(LauncherException.class, () -> new Features(home).frameworkProperties(List.of("a", "b")));
        assertTrue(e.getMessage().contains("'a' and 'b'") && e.getMessage().contains("x"), e.getMessage());
    }

    @Test
    void featuresRequiringEachOtherAreNamedInTheError() throws IOException {
        featureWith("a", "", text(Features.REQUIRES, "b"));
        featureWith("b", "", text(Features.REQUIRES, "a"));

        LauncherException e = assertThrows(LauncherException.class, () -> new Features(home).bundles(List.of("a")));
        assertTrue(e.getMessage().contains("a -> b -> a"), e.getMessage());
    }

    @Test
    void onlineOnlyFlagAndStartOrderAreRead() throws IOException {
        jar("org.example", "a", "1.0");
        jar("org.example", "b", "2.0");
        feature("core", "{\"id\": \"org.example:b:2.0\", \"start-order\": 7, \"parley.online-only\": true},"
                + "{\"id\": \"org.example:a:1.0\", \"start-order\": 2}");
        List<Features.BundleEntry> bundles = new Features(home).bundles(List.of("core"));
        assertEquals("org.example:a:1.0", bundles.get(0).id(), "ordered by start level");
        assertEquals(2, bundles.get(0).startLevel());
        assertFalse(bundles.get(0).onlineOnly());
        assertEquals(7, bundles.get(1).startLevel());
        assertTrue(bundles.get(1).onlineOnly(), "the boolean metadata must be honoured, or offline commands open client ports");
    }

    @Test
    void aBundleNamedInTwoFeaturesIsInstalledOnce() throws IOException {
        jar("org.example", "a", "1.0");
        feature("core", "{\"id\": \"org.example:a:1.0\", \"start-order\": 2}");
        feature("im", "{\"id\": \"org.example:a:1.0\", \"start-order\": 2}");
        assertEquals(1, new Features(home).bundles(List.of("core", "im")).size());
    }

    @Test
    void missingJarIsNamedInTheError() throws IOException {
        feature("core", "{\"id\": \"org.example:gone:1.0\"}");
        LauncherException e = assertThrows(LauncherException.class, () -> new Features(home).bundles(List.of("core")));
        assertTrue(e.getMessage().contains("org.example:gone:1.0"), e.getMessage());
    }

    @Test
    void unknownFeatureIsNamedInTheError() {
        LauncherException e = assertThrows(LauncherException.class, () -> new Features(home).bundles(List.of("nosuch")));
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
    }
}
