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
