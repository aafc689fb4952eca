package org.parley.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.Baseline.Info;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.EmbeddedResource;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the build's baseline check (bnd-baseline-maven-plugin in this module's pom) refuses, run
 * with the same bnd library on this build's classes against the recorded baseline jar: an
 * incompatible change to a published contract needs a major package version, an addition a minor
 * one. The plugin fails the build on the same verdict; these tests make sure the baseline it
 * uses is there and that a breaking change does not slip through.
 */
class ApiBaselineTest {
    private static final Path POM = Path.of("pom.xml");
    private static final Path CLASSES = Path.of("target/classes");
    private static final Path SOURCES = Path.of("src/main/java");

    @TempDir
    Path tmp;

    /** The jar the pom's {@code api.baseline.version} names, in baseline/repository. */
    static Path baselineJar() throws IOException {
        Matcher m = Pattern.compile("<api\\.baseline\\.version>([^<]+)</api\\.baseline\\.version>").matcher(Files.readString(POM));
        assertTrue(m.find(), "pom.xml names no api.baseline.version");
        String version = m.group(1);
        return Path.of("baseline/repository/org/parley/parley-api", version, "parley-api-" + version + ".jar");
    }

    @Test
    void theBaselineThePomNamesIsARecordedApiBundle() throws Exception {
        Path jar = baselineJar();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: see baseline/README.md");
        try (Jar baseline = new Jar(jar.toFile())) {
            assertEquals("org.parley.api", baseline.getBsn());
            assertTrue(baseline.getManifest().getMainAttributes().getValue("Export-Package").contains("org.parley.api.routing"));
        }
        String pom = Files.readString(POM);
        assertTrue(pom.contains("<failOnMissing>true</failOnMissing>"), "a missing baseline must fail the build, not skip the check");
    }

    @Test
    void theApiAsBuiltKeepsItsPublishedContracts() throws Exception {
        Map<String, Info> mismatches = mismatches(built());
        assertTrue(mismatches.isEmpty(), () -> "package versions that do not match their changes: " + describe(mismatches));
    }

    @Test
    void aMethodAddedToAnInterfaceBundlesImplementNeedsAMajorVersion() throws Exception {
        Jar changed = built();
        replace(changed, "org/parley/api/routing/Component.java", "void receive(Stanza stanza);",
                "void receive(Stanza stanza);\n\n    void somethingNew();");
        Info routing = mismatches(changed).get("org.parley.api.routing");
        assertTrue(routing != null, "the changed Component passed the check");
        assertEquals(routing.olderVersion.getMajor() + 1, routing.suggestedVersion.getMajor(), routing.suggestedVersion::toString);
    }

    @Test
    void aRemovedTypeNeedsAMajorVersion() throws Exception {
        Jar changed = built();
        changed.remove("org/parley/api/routing/IqHandler.class");
        Info routing = mismatches(changed).get("org.parley.api.routing");
        assertTrue(routing != null, "removing IqHandler passed the check");
        assertEquals(routing.olderVersion.getMajor() + 1, routing.suggestedVersion.getMajor(), routing.suggestedVersion::toString);
    }

    @Test
    void aMethodAddedToAProviderTypeNeedsAMinorVersionAndPassesWithIt() throws Exception {
        Jar changed = built();
        // The package as released: a minor bump already made since the baseline would hide the addition.
        Info asBuilt = all(changed).get("org.parley.api.routing");
        exportVersion(changed, "org.parley.api.routing", asBuilt.newerVersion.toString(), asBuilt.olderVersion.toString());
        replace(changed, "org/parley/api/routing/StanzaRouter.java", "public interface StanzaRouter {",
                "public interface StanzaRouter {\n    void somethingNew();\n");
        Info routing = mismatches(changed).get("org.parley.api.routing");
        assertTrue(routing != null, "an addition without a minor version passed the check");
        assertEquals(routing.olderVersion.getMajor(), routing.suggestedVersion.getMajor());
        assertEquals(routing.olderVersion.getMinor() + 1, routing.suggestedVersion.getMinor());

        exportVersion(changed, "org.parley.api.routing", routing.newerVersion.toString(), routing.suggestedVersion.toString());
        assertTrue(!mismatches(changed).containsKey("org.parley.api.routing"), "the minor version was not enough");
    }

    /** This build's classes with the manifest bnd made for them (bnd-process runs before the tests). */
    private static Jar built() throws Exception {
        assertTrue(Files.exists(CLASSES.resolve("META-INF/MANIFEST.MF")), "run through Maven: bnd-process writes the manifest");
        Jar jar = new Jar(CLASSES.toFile());
        jar.setManifest(jar.getManifest()); // read once, so that a test can change it
        return jar;
    }

    /** Changes the version {@code jar} exports {@code pkg} at. */
    private static void exportVersion(Jar jar, String pkg, String from, String to) throws Exception {
        String exports = jar.getManifest().getMainAttributes().getValue("Export-Package");
        String changed = exports.replace(pkg + ";version=\"" + from + "\"", pkg + ";version=\"" + to + "\"");
        assertTrue(!changed.equals(exports) || from.equals(to), exports);
        jar.getManifest().getMainAttributes().putValue("Export-Package", changed);
        jar.setManifest(jar.getManifest());
    }

    /** Every package compared with the baseline, by name. */
    private static Map<String, Info> all(Jar newer) throws Exception {
        try (Processor reporter = new Processor(); Jar older = new Jar(baselineJar().toFile())) {
            Baseline baseline = new Baseline(reporter, new DiffPluginImpl());
            Map<String, Info> result = new TreeMap<>();
            for (Info info : baseline.baseline(newer, older, null)) {
                result.put(info.packageName, info);
            }
            return result;
        }
    }

    /** Packages whose declared version does not cover their change, by name. */
    private static Map<String, Info> mismatches(Jar newer) throws Exception {
        try (Processor reporter = new Processor(); Jar older = new Jar(baselineJar().toFile())) {
            Baseline baseline = new Baseline(reporter, new DiffPluginImpl());
            Map<String, Info> result = new TreeMap<>();
            for (Info info : baseline.baseline(newer, older, null)) {
                if (info.mismatch) {
                    result.put(info.packageName, info);
                }
            }
            assertTrue(reporter.isOk(), () -> "bnd reported " + reporter.getErrors());
            return result;
        }
    }

    /** Compiles an edited copy of one api source against the built classes and puts it in {@code jar}. */
    private void replace(Jar jar, String source, String find, String replacement) throws IOException {
        String text = Files.readString(SOURCES.resolve(source));
        assertTrue(text.contains(find), source + " no longer contains " + find);
        Path src = tmp.resolve("src").resolve(source);
        Files.createDirectories(src.getParent());
        Files.writeString(src, text.replace(find, replacement));
        Path out = Files.createDirectories(tmp.resolve("out"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = CLASSES + File.pathSeparator + System.getProperty("java.class.path");
        int rc = javac.run(null, null, null, "-d", out.toString(), "-cp", classpath, "-proc:none", src.toString());
        assertEquals(0, rc, "the edited " + source + " does not compile");
        String cls = source.replace(".java", ".class");
        jar.putResource(cls, new EmbeddedResource(Files.readAllBytes(out.resolve(cls)), 0L));
    }

    private static String describe(Map<String, Info> infos) {
        return infos.values().stream().map(i -> i.packageName + " " + i.newerVersion + " (baseline " + i.olderVersion + ", needs "
                + i.suggestedVersion + ")").toList().toString();
    }
}
