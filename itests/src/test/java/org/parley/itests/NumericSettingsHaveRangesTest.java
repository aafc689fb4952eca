package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every numeric setting of every Parley bundle carries its range in its metatype. The admin
 * console checks a change against the metatype before writing it to etc/; a number without a min
 * is written and answered "applied", and only then refused by the bundle, which keeps its old
 * value while the file and the console say otherwise. This walks the metatype XML that bnd wrote
 * into the built distribution's jars (and the example bot's and the itests probe's), so a new
 * {@code int} attribute without {@code min} fails here, in the normal build.
 */
class NumericSettingsHaveRangesTest {
    private static final Set<String> NUMERIC = Set.of("Integer", "Long", "Short", "Byte", "Double", "Float");

    @Test
    void everyNumericAttributeOfEveryParleyMetatypeHasAMinimum() throws Exception {
        List<Path> jars = parleyJars();
        List<String> withoutMin = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                String name = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                if (name == null || !name.startsWith("org.parley")) {
                    continue; // third-party bundles (Felix, Jetty) describe their own settings
                }
                for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (!entry.getName().startsWith("OSGI-INF/metatype/") || !entry.getName().endsWith(".xml")) {
                        continue;
                    }
                    try (InputStream in = j.getInputStream(entry)) {
                        NodeList ads = parse(in).getElementsByTagNameNS("*", "AD");
                        for (int i = 0; i < ads.getLength(); i++) {
                            Element ad = (Element) ads.item(i);
                            String where = name + " " + ((Element) ad.getParentNode()).getAttribute("id") + "." + ad.getAttribute("id");
                            if (!NUMERIC.contains(ad.getAttribute("type"))) {
                                continue;
                            }
                            seen.add(where);
                            if (!ad.hasAttribute("min")) {
                                withoutMin.add(where + " (" + ad.getAttribute("type") + ")");
                            }
                        }
                    }
                }
            }
        }

        // Not vacuous: the walk reached the bundles whose ranges this guard was written for.
        for (String known : List.of("org.parley.muc org.parley.muc.maxOccupants", "org.parley.transport", "org.parley.session",
                "org.parley.components", "org.parley.ldap", "org.parley.mailhook", "org.parley.metrics", "org.parley.server",
                "org.parley.passwordfile", "org.parley.roster", "org.parley.examples.bot")) {
            assertTrue(seen.stream().anyMatch(s -> s.startsWith(known)), "no numeric attribute of " + known + " found in " + jars);
        }
        assertTrue(withoutMin.isEmpty(), "numeric attributes without a min in their @AttributeDefinition (give min, and max "
                + "where the bundle has one, exactly as the bundle's own validation checks): " + withoutMin);
    }

    /** The distribution's bundles and the two Parley bundles the itests deploy into it. */
    private static List<Path> parleyJars() throws IOException {
        List<Path> jars = new ArrayList<>();
        Path dist = ParleyServer.distribution();
        for (String dir : List.of("system", "lib")) {
            try (Stream<Path> files = Files.walk(dist.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        for (String property : List.of("parley.bot.jar", "parley.probe.jar")) {
            String jar = System.getProperty(property);
            if (jar == null || !Files.isRegularFile(Path.of(jar))) {
                throw new IllegalStateException("-D" + property + " names no jar (" + jar + "): build it first");
            }
            jars.add(Path.of(jar));
        }
        return jars;
    }

    private static org.w3c.dom.Document parse(InputStream in) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(in);
    }
}
