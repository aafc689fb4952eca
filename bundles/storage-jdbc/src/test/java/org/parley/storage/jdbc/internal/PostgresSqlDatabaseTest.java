package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * The same tests on a real PostgreSQL server (Debian's postgresql binaries; fails, never skips,
 * without them), where "another server" is really another storage component with a pool of its own.
 */
class PostgresSqlDatabaseTest extends AbstractSqlDatabaseTest {
    @Override
    protected TestConfig freshDatabase() throws Exception {
        return new TestConfig(PostgresServer.shared().createDatabase(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD, 4);
    }

    @Override
    protected String dataDirectory() {
        return null;
    }

    @Override
    protected SqlDatabase.Dialect expectedDialect() {
        return SqlDatabase.Dialect.POSTGRESQL;
    }

    /** A second storage component on the same database: only PostgreSQL's advisory lock is shared. */
    @Override
    protected SqlDatabase secondServer() {
        return start();
    }

    @Test
    void onPostgresqlTheTableOfAFailedMigrationIsRolledBackToo() throws Exception {
        SchemaMigration broken = SchemaMigration.portable(1, "half", "CREATE TABLE half (x INTEGER);\n"
                + "INSERT INTO no_such_table (x) VALUES (1);");
        assertThrows(StorageException.class, () -> sql().migrate("half", List.of(broken)));
        assertFalse(tableExists("half"));
        assertEquals(List.of(), versions("half"));
    }

    @Test
    void lockKeysDifferPerModuleAndAreStable() {
        assertEquals(ModuleMigrator.lockKey("roster"), ModuleMigrator.lockKey("roster"));
        assertNotEquals(ModuleMigrator.lockKey("roster"), ModuleMigrator.lockKey("offline"));
    }
}
