package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/** The SqlDatabase on the embedded default: an empty url and parley.data pointing at a temporary directory. */
class H2SqlDatabaseTest extends AbstractSqlDatabaseTest {
    @TempDir
    Path data;

    @Override
    protected TestConfig freshDatabase() {
        return TestConfig.embeddedDefault();
    }

    @Override
    protected String dataDirectory() {
        return data.toString();
    }

    @Override
    protected SqlDatabase.Dialect expectedDialect() {
        return SqlDatabase.Dialect.H2;
    }

    /** Embedded H2 is one server's: the second "server" is another thread of the same one. */
    @Override
    protected SqlDatabase secondServer() {
        return sql;
    }

    /**
     * What docs/EXTENDING.md says about H2: its DDL commits at once, so a table created by a
     * migration that failed later stays, unrecorded; IF NOT EXISTS lets the fixed migration run.
     */
    @Test
    void onH2TheTableOfAFailedMigrationStaysButItsVersionIsNotRecorded() throws Exception {
        SchemaMigration broken = SchemaMigration.portable(1, "half", "CREATE TABLE IF NOT EXISTS half (x INTEGER);\n"
                + "INSERT INTO no_such_table (x) VALUES (1);");
        assertThrows(StorageException.class, () -> sql().migrate("half", List.of(broken)));
        assertTrue(tableExists("half"));
        assertEquals(List.of(), versions("half"));

        sql().migrate("half", List.of(SchemaMigration.portable(1, "half", "CREATE TABLE IF NOT EXISTS half (x INTEGER);")));
        assertEquals(List.of(1), versions("half"));
    }
}
