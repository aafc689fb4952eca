package org.parley.control.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerStatusTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void statusShowsTheHeapInUseItsLimitAndTheProcessMemory() {
        String lines = ServerStatus.memory(new MemoryUsage(32 * MIB, 45 * MIB, 64 * MIB, 384 * MIB), 98_304);
        assertEquals("heap: 45 MiB in use, 64 MiB committed, limit 384 MiB\nprocess memory (RSS): 96 MiB\n", lines);
    }

    @Test
    void aHeapWithoutLimitAndAnUnknownRssAreSaidSo() {
        assertEquals("heap: 1 MiB in use, 2 MiB committed, limit none\n", ServerStatus.memory(new MemoryUsage(0, MIB, 2 * MIB, -1), -1));
    }

    @Test
    void readsVmRssFromProcStatus(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t50\n");
        assertEquals(123_456, ServerStatus.residentKiB(status));
        assertEquals(-1, ServerStatus.residentKiB(dir.resolve("absent")));
        assertTrue(ServerStatus.residentKiB(Path.of("/proc/self/status")) > 0, "the build runs on Linux");
    }
}
