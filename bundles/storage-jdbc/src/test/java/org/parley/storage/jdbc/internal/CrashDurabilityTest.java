package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable before acknowledged (DESIGN, Storage): what the embedded database committed survives the
 * process dying at once after the commit, as under kill -9. H2 by default writes commits in the
 * background up to half a second later, so a crash lost them.
 */
class CrashDurabilityTest {
    @TempDir
    Path data;

    @Test
    void rowsCommittedJustBeforeTheProcessDiesAreThereAfterARestart() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), CommitThenHalt.class.getName(),
                data.toString())).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("committed"), output);
        assertEquals(9, child.exitValue(), "it died by halt, not by a clean exit: " + output);

        try (Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
             Connection c = storage.sql().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM crash_probe")) {
            rs.next();
            assertEquals(CommitThenHalt.ROWS, rs.getInt(1), "every committed row");
        }
    }
}
