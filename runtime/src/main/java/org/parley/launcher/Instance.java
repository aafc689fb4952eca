package org.parley.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where one instance lives. The distribution ({@code home}) holds the programs and is never
 * written; the base holds the instance's etc/, data/, deploy/ and log/ (like Tomcat's
 * CATALINA_BASE). The base is the distribution itself unless PARLEY_BASE says otherwise.
 */
final class Instance {
    final Path home;
    final Path base;
    final Path etc;
    final Path data;
    final Path deploy;
    final Path log;

    Instance(Path home, Path base) {
        this.home = home.toAbsolutePath().normalize();
        this.base = base.toAbsolutePath().normalize();
        this.etc = this.base.resolve("etc");
        this.data = this.base.resolve("data");
        this.deploy = this.base.resolve("deploy");
        this.log = this.base.resolve("log");
    }

    static Instance fromEnvironment() {
        String homeProperty = System.getProperty("parley.home");
        if (homeProperty == null || homeProperty.isBlank()) {
            throw new LauncherException("parley.home is not set: start Parley with bin/parley");
        }
        Path home = Path.of(homeProperty);
        String base = System.getenv("PARLEY_BASE");
        return new Instance(home, base == null || base.isBlank() ? home : Path.of(base));
    }

    /**
     * Makes the base usable: a new or empty base gets the default etc/ (never overwriting an
     * operator's file), and the working directories are created.
     */
    List<Path> prepare() {
        List<Path> created = new ArrayList<>();
        try {
            Files.createDirectories(base);
            if (!Files.isDirectory(etc) || isEmpty(etc)) {
                created.addAll(copyTree(home.resolve("defaults/etc"), etc));
            }
            for (Path dir : List.of(data, deploy, log)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new LauncherException("cannot prepare the instance directory " + base + ": " + e.getMessage());
        }
        return created;
    }

    /** parley.properties in etc/: the features to start and launcher settings. */
    Properties settings() {
        Properties p = new Properties();
        Path file = etc.resolve("parley.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new LauncherException("cannot read " + file + ": " + e.getMessage());
            }
        }
        return p;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static List<Path> copyTree(Path from, Path to) throws IOException {
        List<Path> copied = new ArrayList<>();
        if (!Files.isDirectory(from)) {
            throw new LauncherException("the distribution has no " + from + ": is PARLEY_HOME right?");
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path target = to.resolve(from.relativize(file).toString());
                try {
                    if (!Files.exists(target)) {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                        copied.add(target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return copied;
    }
}
