package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starting, stopping and restarting one instance base, and {@code bin/parley} commands while no
 * server runs (offline mode: the command starts the storage alone). Each test puts the server in
 * the state it needs; the order only saves restarts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerLifecycleTest {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().manualStart().build();

    @Test
    @Order(1)
    void userAddedOfflineBeforeTheFirstStartCanLogIn() throws Exception {
        ensureStopped();
        Account a = new Account(ParleyServer.uniqueLocal("offline"), ParleyServer.randomPassword(), ParleyServer.DOMAIN);

        ParleyServer.CliResult r = server.cli("user", "add", a.jid(), a.password());
        assertEquals(0, r.exitCode(), r::toString);
        System.out.println("offline user add took " + r.took().toMillis() + " ms");

        server.start();
        assertTrue(server.login(a).isAuthenticated());
    }

    @Test
    @Order(2)
    void sigtermStopsTheServerPromptlyAndAccountsSurviveARestart() throws Exception {
        ensureRunning();
        Account a = server.newAccount("durable");
        assertTrue(server.login(a).isAuthenticated());

        long started = System.nanoTime();
        int exit = server.stop(STOP_TIMEOUT);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("SIGTERM: the server exited with " + exit + " after " + millis + " ms");
        assertEquals(0, exit, "a clean stop after SIGTERM exits 0");

        ParleyServer.CliResult status = server.cli("status");
        assertEquals(3, status.exitCode(), status::toString);

        server.start();
        assertTrue(server.login(a).isAuthenticated(), "the account created before the restart still logs in");
    }

    @Test
    @Order(3)
    void userListWorksOfflineAfterTheServerStopped() throws Exception {
        ensureRunning();
        Account a = server.newAccount("listed-offline");
        server.stop(STOP_TIMEOUT);

        ParleyServer.CliResult r = server.cli("user", "list");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().lines().map(String::strip).anyMatch(a.jid()::equals), r::toString);
        assertEquals(false, server.isRunning());
    }

    /** Regression: offline commands started the online-only bundles and bound the client ports. */
    @Test
    @Order(4)
    void offlineCommandsStartNoClientTransport() throws Exception {
        ensureStopped();
        long logBefore = server.logSize();

        ParleyServer.CliResult r = server.cli("user", "count");

        assertEquals(0, r.exitCode(), r::toString);
        String log = server.logSince(logBefore);
        assertFalse(log.contains("Listening for clients"), () -> "an offline command opened the client ports:\n" + log);
    }

    @Test
    @Order(5)
    void anEmptyBaseIsFilledWithTheDefaultConfigurationByAnOfflineCommand() throws Exception {
        Path dist = ParleyServer.distribution();
        Path base = ParleyServer.newEmptyBase();
        try {
            ParleyServer.CliResult r = ParleyServer.cli(dist, base, "user", "count");

            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().strip().matches("\\d+"), () -> "a count: " + r);
            Path defaults = dist.resolve("defaults/etc");
            Set<String> expected = names(defaults);
            assertEquals(expected, names(base.resolve("etc")));
            for (String name : expected) {
                assertArrayEquals(Files.readAllBytes(defaults.resolve(name)), Files.readAllBytes(base.resolve("etc").resolve(name)), name);
            }
            for (String dir : new String[] {"data", "deploy", "log"}) {
                assertTrue(Files.isDirectory(base.resolve(dir)), dir + "/ was created");
            }
            ParleyServer.CliResult status = ParleyServer.cli(dist, base, "status");
            assertEquals(3, status.exitCode(), status::toString);
        } finally {
            ParleyServer.deleteTree(base);
        }
    }

    @Test
    @Order(6)
    void hashedImportWorksOfflineAndTheAccountsLogInAfterTheStart() throws Exception {
        ensureStopped();
        Account a = new Account(ParleyServer.uniqueLocal("hashed-offline"), ParleyServer.randomPassword(),
                ParleyServer.DOMAIN);

        ParleyServer.CliResult r = server.importHashed(
                List.of(ParleyServer.hashedLine(a, 4096, "SCRAM-SHA-1", "SCRAM-SHA-256")));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("imported 1 accounts"), r::toString);
        System.out.println("offline hashed import of 1 account took " + r.took().toMillis() + " ms");

        server.start();
        for (String mechanism : List.of("PLAIN", "SCRAM-SHA-1")) {
            XMPPTCPConnection c = server.login(server.smackConfig(a, "m").addEnabledSaslMechanism(mechanism).build());
            assertEquals(mechanism, c.getUsedSaslMechansism());
            assertTrue(c.isAuthenticated(), mechanism);
            c.disconnect();
        }
    }

    private static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /**
     * The JVM options are the instance's etc/jvm.options (a copy of the shipped defaults), read at
     * every start, and status shows the heap in use against the limit set there.
     */
    @Test
    @Order(7)
    void theInstancesJvmOptionsAreAppliedAndStatusShowsTheHeapAndItsLimit() throws Exception {
        ensureStopped();
        Path options = server.base().resolve("etc/jvm.options");
        List<String> shipped = Files.readAllLines(options);
        assertTrue(shipped.contains("-Xmx384m"), "the shipped heap limit: " + shipped);
        Files.write(options, shipped.stream().map(line -> line.equals("-Xmx384m") ? "-Xmx200m" : line).toList());

        server.start();
        ParleyServer.CliResult status = server.cli("status");

        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().matches("(?s).*\\nheap: \\d+ MiB in use, \\d+ MiB committed, limit 200 MiB\\n.*"), status::toString);
        assertTrue(status.stdout().matches("(?s).*\\nprocess memory \\(RSS\\): \\d+ MiB\\n.*"), status::toString);
        Files.write(options, shipped);
    }

    /**
     * Felix closes bundle jars past its limit and reopens them when it next reads one: each open
     * jar holds its central directory and inflaters, about 3 MiB for all of them on an idle server.
     */
    @Test
    @Order(8)
    void theRunningServerKeepsFewBundleJarsOpenAndStillServes() throws Exception {
        ensureRunning();
        Account a = new Account(ParleyServer.uniqueLocal("jars"), ParleyServer.randomPassword(), ParleyServer.DOMAIN);
        assertEquals(0, server.cli("user", "add", a.jid(), a.password()).exitCode());
        XMPPTCPConnection client = server.login(a);
        assertTrue(client.isAuthenticated());
        client.disconnect();

        List<String> open = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + server.pid() + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(server.base().toString()) && target.endsWith(".jar")) {
                        open.add(target);
                    }
                } catch (IOException gone) {
                    // closed while we listed them
                }
            }
        }
        // The launcher's limit is 10; Felix closes the oldest once a jar more is open (11 seen).
        // Without the limit every bundle's jar stays open (about 50 in this distribution).
        assertTrue(open.size() <= 12, open.size() + " bundle jars open: " + open);
    }

    /**
     * bin/parley sets the C library's memory settings for the server (two arenas, large blocks in
     * mappings of their own: docs/PERFORMANCE.md, "Idle memory, sixth pass"), unless the
     * operator's environment already sets them, which then wins.
     */
    @Test
    @Order(9)
    void theServerRunsWithTheShippedCLibraryMemorySettingsUnlessTheEnvironmentSetsThem() throws Exception {
        ensureRunning();
        List<String> environment = List.of(Files.readString(Path.of("/proc/" + server.pid() + "/environ")).split("\0"));

        for (String[] setting : new String[][] {{"MALLOC_ARENA_MAX", "2"}, {"MALLOC_MMAP_THRESHOLD_", "131072"}}) {
            String inherited = System.getenv(setting[0]);
            String expected = setting[0] + "=" + (inherited != null && !inherited.isEmpty() ? inherited : setting[1]);
            assertTrue(environment.contains(expected), expected + " in the server's environment: "
                    + environment.stream().filter(v -> v.startsWith("MALLOC_")).toList());
        }
    }

    private static void ensureRunning() throws Exception {
        if (!server.isRunning()) {
            server.start();
        }
    }

    private static void ensureStopped() throws Exception {
        if (server.isRunning()) {
            server.stop(STOP_TIMEOUT);
        }
    }
}
