package org.parley.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

class PackageImportsTest {
    private static Manifest manifest(String importPackage, String exportPackage) {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        if (importPackage != null) {
            m.getMainAttributes().putValue("Import-Package", importPackage);
        }
        if (exportPackage != null) {
            m.getMainAttributes().putValue("Export-Package", exportPackage);
        }
        return m;
    }

    private static final List<PackageImports.Export> SERVER = List.of(
            new PackageImports.Export("org.parley.api.routing", new Version(2, 0, 0), "org.parley.api 0.1.0"),
            new PackageImports.Export("org.parley.api.stanza", new Version(1, 1, 0), "org.parley.api 0.1.0"),
            new PackageImports.Export("javax.sql", Version.emptyVersion, "org.apache.felix.framework 7.0.5"));

    @Test
    void readsEveryClauseWithItsRangeAndResolution() {
        List<PackageImports.Import> imports = PackageImports.imports(manifest(
                "org.parley.api.routing;version=\"[2.0,3)\",org.a;org.b;version=\"[1.1,2)\";resolution:=optional,javax.sql", null));
        assertEquals(List.of(new PackageImports.Import("org.parley.api.routing", new VersionRange("[2.0,3)"), false),
                new PackageImports.Import("org.a", new VersionRange("[1.1,2)"), true),
                new PackageImports.Import("org.b", new VersionRange("[1.1,2)"), true),
                new PackageImports.Import("javax.sql", new VersionRange("0.0.0"), false)), imports);
    }

    @Test
    void aBundleBuiltAgainstTheServersApiIsSatisfied() {
        var imports = PackageImports.imports(manifest("org.parley.api.routing;version=\"[2.0,3)\",org.parley.api.stanza;version=\"[1.0,2)\",javax.sql", null));
        assertTrue(PackageImports.unsatisfied(imports, SERVER).isEmpty());
    }

    @Test
    void aBundleBuiltAgainstAnotherMajorVersionIsNamedWithWhatTheServerHas() {
        var imports = PackageImports.imports(manifest("org.parley.api.routing;version=\"[3.0,4)\",org.parley.api.stanza;version=\"[1.0,2)\"", null));
        var missing = PackageImports.unsatisfied(imports, SERVER);
        assertEquals(1, missing.size());
        assertEquals("package org.parley.api.routing [3.0.0,4.0.0), but this server has 2.0.0 (from org.parley.api 0.1.0)",
                missing.get(0).describe());
    }

    @Test
    void aPackageNobodyExportsIsSaidSoAndAnOptionalOneIsNoObstacle() {
        var imports = PackageImports.imports(manifest("org.nowhere;version=\"[1,2)\",org.maybe;resolution:=optional", null));
        var missing = PackageImports.unsatisfied(imports, SERVER);
        assertEquals(List.of("package org.nowhere [1.0.0,2.0.0), but no bundle exports it"),
                missing.stream().map(PackageImports.Unsatisfied::describe).toList());
    }

    @Test
    void aPackageTheJarExportsItselfSatisfiesItsOwnImport() {
        Manifest m = manifest("org.own;version=\"[1.2,2)\"", "org.own;version=\"1.2.0\";uses:=\"org.a,org.b\",org.other;version=1.0");
        var exports = PackageImports.exports(m, "me");
        assertEquals(List.of(new PackageImports.Export("org.own", new Version(1, 2, 0), "me"),
                new PackageImports.Export("org.other", new Version(1, 0, 0), "me")), exports);
        assertTrue(PackageImports.unsatisfied(PackageImports.imports(m), exports).isEmpty());
        assertFalse(PackageImports.unsatisfied(PackageImports.imports(m), SERVER).isEmpty());
    }
}
