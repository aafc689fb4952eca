package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bin/parley's class-data archive (data/jvm/classes.jsa): written at the first clean stop, checked
 * and used from the next start, and set aside, never fatal, when it is damaged, truncated or made
 * for other JVM options. Each start must still serve sign-ins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassDataArchiveTest {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().manualStart().ownClassData().build();

    private static Path archive() {
        return server.base().resolve("data/jvm/classes.jsa");
    }

    private static String jvmCommandLine() throws Exception {
        return new String(Files.readAllBytes(Path.of("/proc/" + server.pid() + "/cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    /** Starts, checks that sign-ins work, and returns what bin/parley printed for this start. */
    private static String startAndSignIn() throws Exception {
        long offset = Files.exists(server.base().resolve("console.log")) ? Files.size(server.base().resolve("console.log")) : 0;
        server.start();
        assertTrue(server.login(server.newAccount("cds")).isAuthenticated());
        return server.consoleSince(offset);
    }

    @Test
    @Order(1)
    void theFirstRunWritesTheArchiveAtItsCleanStopAndTheNextStartUsesIt() throws Exception {
        String first = startAndSignIn();
        assertTrue(first.contains("no class-data archive yet: this run writes one"), first);
        assertTrue(jvmCommandLine().contains("-XX:ArchiveClassesAtExit=" + archive() + ".new"), jvmCommandLine());
        long pid = server.pid();
        assertEquals(0, server.stop(STOP_TIMEOUT), "a clean stop, the archive written on the way out");
        assertTrue(Files.size(Path.of(archive() + ".new." + pid)) > 1_000_000, "the archive the stop wrote, named by its run");

        String second = startAndSignIn();
        assertTrue(second.contains("class-data archive written at the last stop checked and kept"), second);
        assertTrue(jvmCommandLine().contains("-XX:SharedArchiveFile=" + archive()), jvmCommandLine());
        assertFalse(Files.exists(Path.of(archive() + ".new." + pid)));
        assertTrue(Files.exists(Path.of(archive() + ".stamp")));
        server.stop(STOP_TIMEOUT);

        String third = startAndSignIn();
        assertTrue(third.contains("parley: class-data archive " + archive()), third);
        assertTrue(jvmCommandLine().contains("-XX:SharedArchiveFile=" + archive()), jvmCommandLine());
        server.stop(STOP_TIMEOUT);
    }

    @Test
    @Order(2)
    void aDamagedArchiveIsRemovedAndTheServerStartsWithoutIt() throws Exception {
        assertTrue(Files.exists(archive()), "made by the test before");
        // Same size, different bytes in the middle: only the CRC tells.
        archive().toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive().toFile(), "rw")) {
            file.seek(file.length() / 2);
            file.write(new byte[4096]);
        }
        String start = startAndSignIn();
        assertTrue(start.contains("is damaged (its size or CRC changed): not used, removed"), start);
        assertTrue(jvmCommandLine().contains("-XX:ArchiveClassesAtExit="), jvmCommandLine());
        assertEquals(0, server.stop(STOP_TIMEOUT));
        assertTrue(startAndSignIn().contains("checked and kept"), "a new archive from the stop after");
        server.stop(STOP_TIMEOUT);
    }

    @Test
    @Order(3)
    void aTruncatedArchiveNeverReachesTheJvm() throws Exception {
        // A truncated archive crashes a JVM that maps it: the size check keeps it away.
        archive().toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive().toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        String start = startAndSignIn();
        assertTrue(start.contains("is damaged"), start);
        server.stop(STOP_TIMEOUT);
    }

    @Test
    @Order(4)
    void anArchiveCutShortAtTheStopIsDiscardedAtTheNextStart() throws Exception {
        // The run above wrote a whole new archive at its stop; cut it as a kill during the write would.
        Path fresh;
        try (var files = Files.list(archive().getParent())) {
            fresh = files.filter(f -> f.getFileName().toString().matches("classes\\.jsa\\.new\\.\\d+")).findFirst()
                    .orElseThrow(() -> new AssertionError("no archive written by the stop before"));
        }
        fresh.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(fresh.toFile(), "rw")) {
            file.setLength(file.length() / 3);
        }
        String start = startAndSignIn();
        assertTrue(start.contains("the class-data archive written at the last stop cannot be used"), start);
        assertTrue(start.contains("no class-data archive yet"), start);
        assertFalse(Files.exists(archive()));
        assertEquals(0, server.stop(STOP_TIMEOUT));
        assertTrue(startAndSignIn().contains("checked and kept"));
        server.stop(STOP_TIMEOUT);
    }

    @Test
    @Order(5)
    void anArchiveMadeForOtherJvmOptionsIsNotUsed() throws Exception {
        Path options = server.base().resolve("etc/jvm.options");
        Files.writeString(options, "-Dparley.itest.changed=true\n", StandardOpenOption.APPEND);
        String start = startAndSignIn();
        assertTrue(start.contains("was made with another JDK, other JVM options or another lib/: not used, removed"), start);
        assertTrue(jvmCommandLine().contains("-XX:ArchiveClassesAtExit="), jvmCommandLine());
        server.stop(STOP_TIMEOUT);
    }

    @Test
    @Order(6)
    void optionsThatChooseClassDataThemselvesTurnTheArchiveOff() throws Exception {
        Path options = server.base().resolve("etc/jvm.options");
        Files.writeString(options, "-Xshare:auto\n", StandardOpenOption.APPEND);
        String start = startAndSignIn();
        assertFalse(start.contains("class-data archive"), start);
        assertFalse(jvmCommandLine().contains("SharedArchiveFile") || jvmCommandLine().contains("ArchiveClassesAtExit"),
                jvmCommandLine());
        server.stop(STOP_TIMEOUT);
    }
}
