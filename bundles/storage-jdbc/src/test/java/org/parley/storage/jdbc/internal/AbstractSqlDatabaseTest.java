package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * The {@link SqlDatabase} service as feature bundles use it, run once per database. Each subclass
 * says how to configure a fresh, empty database; the component is started from that configuration
 * as SCR would start it, and the service is the one it registers.
 */
abstract class AbstractSqlDatabaseTest {
    protected TestConfig config;
    private final List<Storage> started = new ArrayList<>();
    protected SqlDatabase sql;

    /** The configuration of a fresh, empty database for one test. */
    protected abstract TestConfig freshDatabase() throws Exception;

    /** What the framework property parley.data would say; null when it is not set. */
    protected abstract String dataDirectory();

    protected abstract SqlDatabase.Dialect expectedDialect();

    @BeforeEach
    void open() throws Exception {
        config = freshDatabase();
    }

    @AfterEach
    void close() {
        started.forEach(Storage::close);
    }

    /** Starts storage-jdbc on the test's database (as another server would, when called twice) and returns its SqlDatabase. */
    protected SqlDatabase start() {
        Storage storage = new Storage(dataDirectory(), config);
        started.add(storage);
        return storage.sql();
    }

    protected SqlDatabase sql() {
        if (sql == null) {
            sql = start();
        }
        return sql;
    }

    static SchemaMigration portable(int version, String description, String sql) {
        return SchemaMigration.portable(version, description, sql);
    }

    /** Runs a query that returns one integer. */
    protected int count(String query) throws SQLException {
        try (Connection c = sql().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    protected List<Integer> versions(String module) throws SQLException {
        try (Connection c = sql().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT version FROM parley_schema_module WHERE module = ? ORDER BY version")) {
            ps.setString(1, module);
            List<Integer> versions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getInt(1));
                }
            }
            return versions;
        }
    }

    protected boolean tableExists(String table) {
        try {
            count("SELECT COUNT(*) FROM " + table);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static final SchemaMigration NOTES_1 = portable(1, "notes table",
            "-- no IF NOT EXISTS: running it twice would fail\n"
            + "CREATE TABLE notes (\n    id INTEGER NOT NULL PRIMARY KEY,\n    body VARCHAR(100) NOT NULL\n);");
    private static final SchemaMigration NOTES_2 = portable(2, "first note",
            "INSERT INTO notes (id, body) VALUES (1, 'hello');");
    private static final SchemaMigration NOTES_3 = portable(3, "author column",
            "ALTER TABLE notes ADD COLUMN author VARCHAR(100);\nUPDATE notes SET author = 'juliet';");

    @Test
    void theDialectIsTheConfiguredDatabases() {
        assertEquals(expectedDialect(), sql().dialect());
    }

    @Test
    void aFreshModuleGetsEveryMigrationInVersionOrderEachRecorded() throws Exception {
        sql().migrate("notes", List.of(NOTES_3, NOTES_1, NOTES_2));

        assertEquals(List.of(1, 2, 3), versions("notes"));
        assertEquals(1, count("SELECT COUNT(*) FROM notes WHERE author = 'juliet' AND body = 'hello'"));
        try (Connection c = sql().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT description, applied_at FROM parley_schema_module "
                     + "WHERE module = 'notes' AND version = 3")) {
            assertTrue(rs.next());
            assertEquals("author column", rs.getString(1));
            assertTrue(rs.getTimestamp(2) != null);
        }
    }

    @Test
    void migratingAgainAppliesNothing() throws Exception {
        sql().migrate("notes", List.of(NOTES_1, NOTES_2));
        Timestamp applied = appliedAt("notes", 1);

        sql().migrate("notes", List.of(NOTES_1, NOTES_2)); // would fail on CREATE TABLE, or insert twice

        assertEquals(List.of(1, 2), versions("notes"));
        assertEquals(1, count("SELECT COUNT(*) FROM notes"));
        assertEquals(applied, appliedAt("notes", 1));
    }

    @Test
    void aMigrationAddedLaterIsTheOnlyOneApplied() throws Exception {
        sql().migrate("notes", List.of(NOTES_1, NOTES_2));
        sql().migrate("notes", List.of(NOTES_1, NOTES_2, NOTES_3));
        assertEquals(List.of(1, 2, 3), versions("notes"));
        assertEquals(1, count("SELECT COUNT(*) FROM notes"));
    }

    @Test
    void aFailingMigrationLeavesThePreviousVersionAndRollsBackItsChanges() throws Exception {
        sql().migrate("notes", List.of(NOTES_1));
        SchemaMigration broken = portable(2, "first note", "INSERT INTO notes (id, body) VALUES (1, 'hello');\n"
                + "INSERT INTO no_such_table (x) VALUES (1);");

        StorageException e = assertThrows(StorageException.class, () -> sql().migrate("notes", List.of(NOTES_1, broken)));

        assertTrue(e.getMessage().startsWith("module 'notes': migration 2 (first note) failed"), e.getMessage());
        assertEquals(List.of(1), versions("notes"));
        assertEquals(0, count("SELECT COUNT(*) FROM notes"), "the first INSERT was rolled back");

        sql().migrate("notes", List.of(NOTES_1, NOTES_2)); // fixed
        assertEquals(List.of(1, 2), versions("notes"));
        assertEquals(1, count("SELECT COUNT(*) FROM notes"));
    }

    @Test
    void aFailureStopsAtTheFailingVersionAndKeepsTheOnesBeforeIt() throws Exception {
        SchemaMigration broken = portable(3, "broken", "UPDATE no_such_table SET x = 1;");
        assertThrows(StorageException.class, () -> sql().migrate("notes", List.of(NOTES_1, NOTES_2, broken)));
        assertEquals(List.of(1, 2), versions("notes"), "each version in its own transaction");
        assertEquals(1, count("SELECT COUNT(*) FROM notes"));
    }

    @Test
    void aDatabaseNewerThanTheCodeIsRefused() throws Exception {
        sql().migrate("notes", List.of(NOTES_1, NOTES_2, NOTES_3));

        StorageException e = assertThrows(StorageException.class, () -> sql().migrate("notes", List.of(NOTES_1, NOTES_2)));

        assertTrue(e.getMessage().contains("module 'notes': the database holds schema version 3, newer than the 2"),
                e.getMessage());
        assertEquals(List.of(1, 2, 3), versions("notes"));
        assertThrows(StorageException.class, () -> sql().migrate("notes", List.of()), "no migrations at all: version 0");
    }

    @Test
    void twoModulesAreIndependent() throws Exception {
        sql().migrate("notes", List.of(NOTES_1, NOTES_2));
        sql().migrate("tags", List.of(portable(1, "tags table", "CREATE TABLE tags (name VARCHAR(50) NOT NULL);")));

        assertEquals(List.of(1, 2), versions("notes"));
        assertEquals(List.of(1), versions("tags"));

        // A downgrade of one module does not stop the other.
        assertThrows(StorageException.class, () -> sql().migrate("tags", List.of()));
        sql().migrate("notes", List.of(NOTES_1, NOTES_2, NOTES_3));
        assertEquals(List.of(1, 2, 3), versions("notes"));
        assertEquals(List.of(1), versions("tags"));
    }

    @Test
    void aMigrationWithoutSqlForThisDialectFailsNamingIt() {
        SqlDatabase.Dialect other = expectedDialect() == SqlDatabase.Dialect.H2
                ? SqlDatabase.Dialect.POSTGRESQL : SqlDatabase.Dialect.H2;
        SchemaMigration elsewhere = new SchemaMigration(1, "only elsewhere", Map.of(other, "CREATE TABLE x (y INTEGER);"));
        StorageException e = assertThrows(StorageException.class, () -> sql().migrate("notes", List.of(elsewhere)));
        assertTrue(e.getMessage().endsWith("has no SQL for " + expectedDialect()), e.getMessage());
    }

    @Test
    void invalidModuleNamesAndMigrationListsAreRefusedBeforeAnythingRuns() throws Exception {
        for (String bad : new String[] {"", "a b", "notes;DROP TABLE users", "n\u00f6tes", "x".repeat(65), null}) {
            assertThrows(IllegalArgumentException.class, () -> sql().migrate(bad, List.of(NOTES_1)), bad);
        }
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> sql().migrate("users", List.of(NOTES_1)));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sql().migrate("Users", List.of(NOTES_1)));
        assertThrows(IllegalArgumentException.class,
                () -> sql().migrate("notes", List.of(NOTES_1, portable(1, "again", "SELECT 1;"))));
        assertThrows(IllegalArgumentException.class,
                () -> sql().migrate("notes", List.of(portable(1, "d".repeat(201), "SELECT 1;"))));
        assertFalse(tableExists("notes"));
        assertEquals(List.of(), versions("notes"));
        sql().migrate("notes-2_b", List.of(NOTES_1));
        assertEquals(List.of(1), versions("notes-2_b"));
    }

    /**
     * Two servers starting together on one database. Each migration would fail if run twice
     * (CREATE TABLE without IF NOT EXISTS), so both succeeding proves they were serialized.
     */
    @Test
    void concurrentMigrationsOfOneModuleApplyEachVersionOnce() throws Exception {
        SqlDatabase first = sql();
        SqlDatabase second = secondServer();
        List<SchemaMigration> migrations = List.of(NOTES_1, NOTES_2, NOTES_3);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> results = threads.invokeAll(List.<Callable<Void>>of(() -> {
                together.await();
                first.migrate("notes", migrations);
                return null;
            }, () -> {
                together.await();
                second.migrate("notes", migrations);
                return null;
            }), 120, TimeUnit.SECONDS);
            for (Future<Void> r : results) {
                r.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of(1, 2, 3), versions("notes"));
        assertEquals(1, count("SELECT COUNT(*) FROM notes"));
    }

    /** The SqlDatabase another server would use on the same database (H2: the same server, another thread). */
    protected abstract SqlDatabase secondServer();

    @Test
    void theUserStoreTablesAreModuleUsersAndStillRecordedInTheOldTable() throws Exception {
        assertEquals(List.of(1), versions("users"));
        assertEquals(1, count("SELECT COUNT(*) FROM parley_schema WHERE schema_version = 1"));
    }

    @Test
    void anExistingDatabaseAtTheOldSchemaVersionOneKeepsItsAccountsAndRunsNothingAgain() throws Exception {
        Timestamp then = Timestamp.from(Instant.parse("2026-01-02T03:04:05Z"));
        withRawConnection(c -> {
            // Exactly what storage-jdbc did before per-module migrations.
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS parley_schema (schema_version INTEGER NOT NULL PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
                for (String statement : SqlScripts.statements(UsersSchema.migrations().get(0).scripts()
                        .get(expectedDialect()))) {
                    st.execute(statement);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO parley_schema (schema_version, description, applied_at) VALUES (1, 'users', ?)")) {
                ps.setTimestamp(1, then);
                ps.executeUpdate();
            }
        });
        StoreSettings s = settings();
        new JdbcUserStore(rawDataSource(), s.dialect()).create("alice", AbstractUserStoreTest.credentials("alice"));

        Storage storage = new Storage(dataDirectory(), config);
        started.add(storage);
        sql = storage.sql();

        assertTrue(storage.store.exists("alice"));
        assertEquals(List.of(1), versions("users"));
        assertEquals(then, appliedAt("users", 1), "adopted from parley_schema, not applied again");
        assertEquals(1, count("SELECT COUNT(*) FROM parley_schema"));
    }

    @Test
    void aDatabaseWhoseOldSchemaTableIsNewerThanTheCodeIsRefused() throws Exception {
        withRawConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE parley_schema (schema_version INTEGER NOT NULL PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
                st.execute("INSERT INTO parley_schema (schema_version, description) VALUES (1, 'users')");
                st.execute("INSERT INTO parley_schema (schema_version, description) VALUES (2, 'from the future')");
            }
        });
        StorageException e = assertThrows(StorageException.class,
                () -> new JdbcStorageComponent(dataDirectory(), config, config.properties()));
        assertTrue(e.getMessage().contains("module 'users': the database holds schema version 2"), e.getMessage());
    }

    @Test
    void theDataSourceHandsOutConnectionsButNotThePool() throws Exception {
        DataSource ds = sql().dataSource();
        try (Connection c = ds.getConnection()) {
            assertTrue(c.isValid(5));
        }
        assertThrows(SQLException.class, () -> ds.unwrap(HikariDataSource.class));
        assertFalse(ds.isWrapperFor(HikariDataSource.class));
        assertThrows(SQLException.class, () -> ds.setLoginTimeout(1));
        assertThrows(SQLException.class, () -> ds.getConnection("someone", "else"));
    }

    private Timestamp appliedAt(String module, int version) throws SQLException {
        try (Connection c = sql().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT applied_at FROM parley_schema_module WHERE module = ? AND version = ?")) {
            ps.setString(1, module);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getTimestamp(1);
            }
        }
    }

    private StoreSettings settings() throws Exception {
        return StoreSettings.from(config, config.properties(), dataDirectory());
    }

    /** A connection that bypasses storage-jdbc, as to a database an older version left behind. */
    private DataSource rawDataSource() throws Exception {
        StoreSettings s = settings();
        return s.dialect().dataSource(s.url(), s.user(), s.password());
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private void withRawConnection(SqlWork work) throws Exception {
        try (Connection c = rawDataSource().getConnection()) {
            work.run(c);
        }
    }
}
