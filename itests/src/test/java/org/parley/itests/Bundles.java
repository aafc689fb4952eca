package org.parley.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Reading and re-versioning the distribution's bundle jars. */
public final class Bundles {
    private Bundles() {
    }

    /** The im bundle as the distribution ships it. */
    public static Path imJar(Path dist) {
        return parleyJar(dist, "im");
    }

    /** A Parley bundle as the distribution ships it, by module name (im, auth, storage-jdbc...). */
    public static Path parleyJar(Path dist, String module) {
        return dist.resolve("system/org/parley/parley-" + module + "/0.1.0-SNAPSHOT/parley-" + module + "-0.1.0-SNAPSHOT.jar");
    }

    public static Manifest manifest(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest();
        }
    }

    public static String version(Path jar) throws IOException {
        return manifest(jar).getMainAttributes().getValue("Bundle-Version");
    }

    public static String symbolicName(Path jar) throws IOException {
        String value = manifest(jar).getMainAttributes().getValue("Bundle-SymbolicName");
        return value == null ? null : value.split(";")[0].strip();
    }

    /**
     * Copies {@code source} to {@code target} with every entry kept as it is, except the manifest's
     * Bundle-Version, which becomes {@code version}.
     */
    public static void copyWithVersion(Path source, Path target, String version) throws IOException {
        copyWithManifest(source, target, main -> main.put(new Attributes.Name("Bundle-Version"), version));
    }

    /**
     * As {@link #copyWithVersion}, and when {@code extraImport} is not null, with that package
     * added to Import-Package: a bundle that cannot resolve where nothing exports it.
     */
    public static void copyWithManifest(Path source, Path target, String version, String extraImport) throws IOException {
        copyWithManifest(source, target, main -> {
            main.put(new Attributes.Name("Bundle-Version"), version);
            if (extraImport != null) {
                String imports = main.getValue("Import-Package");
                main.put(new Attributes.Name("Import-Package"), imports == null ? extraImport : extraImport + "," + imports);
            }
        });
    }

    /** Copies {@code source} to {@code target} with every entry kept as it is, and the manifest's main attributes changed. */
    public static void copyWithManifest(Path source, Path target, Consumer<Attributes> change) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest manifest = new Manifest(in.getManifest());
            change.accept(manifest.getMainAttributes());
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    JarEntry copy = new JarEntry(entry.getName());
                    copy.setTime(entry.getTime());
                    out.putNextEntry(copy);
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }

    /**
     * Upgrades a shipped Parley bundle live as an operator does: a copy with a higher version
     * dropped into deploy/ (moved there whole, so the deployer never sees half a jar).
     *
     * @return the log line that says the upgrade is done, for {@link ParleyServer#awaitLog}
     */
    public static String deployNewerVersion(ParleyServer server, String module, String version) throws IOException {
        Path shipped = parleyJar(server.dist(), module);
        Path upgrade = server.base().resolve(module + "-" + version + ".jar");
        copyWithVersion(shipped, upgrade, version);
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        return "Upgraded " + symbolicName(shipped) + " from";
    }

    /** The names of the files (not directories) in a jar, with a digest of each one's content. */
    public static Map<String, String> contents(Path jar) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(file.entries())) {
                if (!entry.isDirectory()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        result.put(entry.getName(), HexFormat.of().formatHex(sha256(in.readAllBytes())));
                    }
                }
            }
        }
        return result;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
