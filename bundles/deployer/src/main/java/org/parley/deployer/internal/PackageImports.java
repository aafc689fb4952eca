package org.parley.deployer.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.jar.Manifest;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The packages a bundle jar imports, read from its manifest, and which of them the running server
 * cannot give it. The framework says the same when it fails to resolve the bundle, but as one
 * filter expression for the first requirement it tried, after the bundle is installed (and, for an
 * upgrade, after the running version was stopped). Checked before, the deployer can refuse the
 * jar while the old version keeps running, and say which package and versions are at odds.
 */
final class PackageImports {
    /** One Import-Package clause: a package and the versions it accepts. */
    record Import(String packageName, VersionRange range, boolean optional) {
    }

    /** A package some bundle exports, and which bundle. */
    record Export(String packageName, Version version, String bundle) {
    }

    /** An import nothing satisfies, and the versions of that package there are. */
    record Unsatisfied(Import wanted, List<Export> available) {
        String describe() {
            String have = available.isEmpty() ? "no bundle exports it"
                    : "this server has " + String.join(", ", available.stream()
                            .map(e -> e.version() + " (from " + e.bundle() + ")").toList());
            return "package " + wanted.packageName() + " " + wanted.range() + ", but " + have;
        }
    }

    private PackageImports() {
    }

    static List<Import> imports(Manifest manifest) {
        List<Import> result = new ArrayList<>();
        String header = manifest.getMainAttributes().getValue(Constants.IMPORT_PACKAGE);
        if (header == null) {
            return result;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            List<String> names = new ArrayList<>();
            VersionRange range = new VersionRange("0.0.0");
            boolean optional = false;
            for (String part : parts) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    if (!p.isEmpty()) {
                        names.add(p);
                    }
                    continue;
                }
                boolean directive = eq > 0 && p.charAt(eq - 1) == ':';
                String key = p.substring(0, directive ? eq - 1 : eq).strip();
                String value = unquote(p.substring(eq + 1).strip());
                if (!directive && key.equals(Constants.VERSION_ATTRIBUTE)) {
                    range = new VersionRange(value);
                } else if (directive && key.equals(Constants.RESOLUTION_DIRECTIVE)) {
                    optional = value.equals(Constants.RESOLUTION_OPTIONAL);
                }
            }
            for (String name : names) {
                result.add(new Import(name, range, optional));
            }
        }
        return result;
    }

    /**
     * The mandatory imports no export satisfies. {@code exports} are what the server's other
     * bundles export, plus what the jar itself exports (a bundle may import what it exports).
     */
    static List<Unsatisfied> unsatisfied(List<Import> imports, Collection<Export> exports) {
        List<Unsatisfied> result = new ArrayList<>();
        for (Import i : imports) {
            if (i.optional()) {
                continue;
            }
            List<Export> same = exports.stream().filter(e -> e.packageName().equals(i.packageName())).toList();
            if (same.stream().noneMatch(e -> i.range().includes(e.version()))) {
                result.add(new Unsatisfied(i, same));
            }
        }
        return result;
    }

    /** The packages a jar exports itself, from its manifest. */
    static List<Export> exports(Manifest manifest, String bundle) {
        List<Export> result = new ArrayList<>();
        String header = manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
        if (header == null) {
            return result;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            Version version = Version.emptyVersion;
            for (String part : split(clause, ';')) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    names.add(p);
                } else if (p.charAt(eq - 1) != ':' && p.substring(0, eq).strip().equals(Constants.VERSION_ATTRIBUTE)) {
                    version = Version.parseVersion(unquote(p.substring(eq + 1).strip()));
                }
            }
            names.forEach(n -> result.add(new Export(n, null, bundle)));
            final Version v = version;
            result.replaceAll(e -> e.version() == null ? new Export(e.packageName(), v, bundle) : e);
        }
        return result;
    }

    /** Splits at {@code separator} outside double quotes (version ranges and uses lists contain commas). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
