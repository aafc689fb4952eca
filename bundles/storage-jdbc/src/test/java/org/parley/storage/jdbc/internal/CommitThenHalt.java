package org.parley.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * Run in a child JVM by {@link CrashDurabilityTest}: commits rows through the default embedded
 * database, says so, and dies at once as under kill -9 (no shutdown hook, nothing closed).
 */
public final class CommitThenHalt {
    static final int ROWS = 100;

    private CommitThenHalt() {
    }

    public static void main(String[] args) throws Exception {
        Storage storage = new Storage(args[0], TestConfig.embeddedDefault(), Map.of());
        SqlDatabase db = storage.sql();
        db.migrate("crash-probe", List.of(SchemaMigration.portable(1, "probe", "CREATE TABLE IF NOT EXISTS crash_probe (n INTEGER NOT NULL);\n")));
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO crash_probe (n) VALUES (?)")) {
            for (int i = 0; i < ROWS; i++) {
                ps.setInt(1, i);
                ps.executeUpdate(); // auto-commit: each row is committed when this returns
            }
        }
        System.out.println("committed");
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }
}
