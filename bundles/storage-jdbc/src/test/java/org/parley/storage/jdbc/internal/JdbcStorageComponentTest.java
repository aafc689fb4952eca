package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/** Configuration handling of the component: defaults, validation, and keeping a working setup. */
class JdbcStorageComponentTest {
    @TempDir
    Path data;

    @Test
    void defaultUrlIsAnH2FileDatabaseInTheDataDirectory() throws Exception {
        StoreSettings s = StoreSettings.from(TestConfig.embeddedDefault(), Map.of(), data.toString());
        assertEquals(Dialect.H2, s.dialect());
        assertEquals("jdbc:h2:file:" + data.resolve("db").resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", s.url());
        assertEquals(8, s.maxPoolSize());
    }

    @Test
    void emptyUrlWithoutDataDirectoryIsAClearError() {
        var e = assertThrows(StoreSettings.InvalidSettingsException.class,
                () -> StoreSettings.from(TestConfig.embeddedDefault(), Map.of(), null));
        assertTrue(e.getMessage().contains("key 'url' is empty and the framework property 'parley.data' is not set"),
                e.getMessage());
        var relative = assertThrows(StoreSettings.InvalidSettingsException.class,
                () -> StoreSettings.from(TestConfig.embeddedDefault(), Map.of(), "data"));
        assertTrue(relative.getMessage().contains("not an absolute path"), relative.getMessage());
    }

    @Test
    void invalidValuesAreReportedByKey() {
        var url = assertThrows(StoreSettings.InvalidSettingsException.class,
                () -> StoreSettings.from(new TestConfig("jdbc:mysql://db/x", "", "", 8), Map.of(), null));
        assertTrue(url.getMessage().startsWith("key 'url': unsupported JDBC URL 'jdbc:mysql://db/x'"), url.getMessage());

        var range = assertThrows(StoreSettings.InvalidSettingsException.class,
                () -> StoreSettings.from(new TestConfig("jdbc:h2:mem:x", "", "", 0), Map.of(), null));
        assertEquals("key 'maxPoolSize': must be between 1 and 1000, got 0", range.getMessage());

        // SCR turns an unparsable number into 0; the raw value tells the operator what was written.
        var text = assertThrows(StoreSettings.InvalidSettingsException.class,
                () -> StoreSettings.from(new TestConfig("jdbc:h2:mem:x", "", "", 0), Map.of("maxPoolSize", "eight"), null));
        assertEquals("key 'maxPoolSize': 'eight' is not a whole number", text.getMessage());
    }

    @Test
    void passwordsStayOutOfMessages() throws Exception {
        StoreSettings s = StoreSettings.from(
                new TestConfig("jdbc:postgresql://db/parley?password=secret", "parley", "secret2", 4), Map.of(), null);
        assertFalse(s.toString().contains("secret"), s.toString());
    }

    @Test
    void componentRefusesToStartWithoutAPlaceForTheDatabase() {
        var e = assertThrows(IllegalStateException.class,
                () -> new JdbcStorageComponent((String) null, TestConfig.embeddedDefault(), Map.of()));
        assertTrue(e.getMessage().startsWith("org.parley.storage.jdbc: key 'url' is empty"), e.getMessage());
    }

    @Test
    void invalidOrUnreachableConfigurationKeepsTheWorkingDatabase() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        RecordingPublisher registry = storage.registry;
        JdbcStorageComponent store = storage.store;
        try {
            SqlDatabase sql = registry.current();
            store.create("alice", AbstractUserStoreTest.credentials("alice"));
            StoreSettings working = store.current();

            TestConfig badPool = new TestConfig("", "", "", -3);
            assertFalse(store.reconfigure(badPool, badPool.properties()));
            assertEquals(working, store.current());

            // Valid syntax, but nothing listens there: the connection fails and nothing changes.
            TestConfig unreachable = new TestConfig("jdbc:postgresql://127.0.0.1:1/parley", "parley", "x", 2);
            assertFalse(store.reconfigure(unreachable, unreachable.properties()));
            assertEquals(working, store.current());
            assertTrue(store.exists("alice"), "still served from the working database");
            assertEquals(List.of(sql), registry.published, "the SqlDatabase was not registered again");
            assertSame(sql, registry.current());
            try (Connection c = sql.dataSource().getConnection()) {
                assertTrue(c.isValid(5));
            }
        } finally {
            storage.close();
        }
    }

    @Test
    void validConfigurationChangeMovesToTheNewDatabase() throws Exception {
        JdbcStorageComponent store = new JdbcStorageComponent(data.toString(), TestConfig.embeddedDefault(), Map.of());
        try {
            store.create("alice", AbstractUserStoreTest.credentials("alice"));
            Path other = Files.createDirectory(data.resolve("other"));
            TestConfig moved = new TestConfig("jdbc:h2:file:" + other.resolve("db"), "", "", 3);
            assertTrue(store.reconfigure(moved, moved.properties()));
            assertEquals(3, store.current().maxPoolSize());
            assertFalse(store.exists("alice"), "a new, empty database");
            assertTrue(store.create("bob", List.of(AbstractUserStoreTest.credential(ScramHash.SHA_256, "bob"))));
        } finally {
            store.deactivate();
        }
    }

    @Test
    void theUserStoreAndTheSqlDatabaseShareOnePool() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        RecordingPublisher registry = storage.registry;
        JdbcStorageComponent store = storage.store;
        try {
            JdbcSqlDatabase sql = (JdbcSqlDatabase) registry.current();
            assertSame(store.database(), sql.database());
            store.create("alice", AbstractUserStoreTest.credentials("alice"));
            try (Connection c = sql.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM users")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        } finally {
            storage.close();
        }
    }

    @Test
    void aConfigurationChangeRegistersANewSqlDatabaseAndRetiresTheOldOne() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        RecordingPublisher registry = storage.registry;
        JdbcStorageComponent store = storage.store;
        try {
            SqlDatabase old = registry.current();
            old.migrate("notes", List.of(NOTES));
            List<SqlDatabase> registeredWhenOldWentAway = new ArrayList<>();
            registry.onUnregister = gone -> registeredWhenOldWentAway.addAll(registry.registered);

            Path other = Files.createDirectory(data.resolve("other"));
            TestConfig moved = new TestConfig("jdbc:h2:file:" + other.resolve("db"), "", "", 3);
            assertTrue(store.reconfigure(moved, moved.properties()));

            SqlDatabase now = registry.current();
            assertNotSame(old, now);
            assertEquals(2, registeredWhenOldWentAway.size(), "the new one was registered before the old one left");
            // The users re-bind and migrate again: the new database has none of their tables yet.
            now.migrate("notes", List.of(NOTES));
            try (Connection c = now.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM notes")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
            // Whoever still holds the old service is told, rather than handed the database the server left.
            SQLException refused = assertThrows(SQLException.class, () -> old.dataSource().getConnection());
            assertTrue(refused.getMessage().contains("is no longer in use"), refused.getMessage());
            assertThrows(StorageException.class, () -> old.migrate("notes", List.of(NOTES)));
        } finally {
            storage.close();
        }
    }

    @Test
    void aReplacedPoolIsClosedOnlyWhenItsConnectionsAreBack() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        RecordingPublisher registry = storage.registry;
        JdbcStorageComponent store = storage.store;
        try {
            JdbcSqlDatabase old = (JdbcSqlDatabase) registry.current();
            try (Connection held = old.dataSource().getConnection()) {
                Path other = Files.createDirectory(data.resolve("other"));
                TestConfig moved = new TestConfig("jdbc:h2:file:" + other.resolve("db"), "", "", 3);
                assertTrue(store.reconfigure(moved, moved.properties()));

                Thread.sleep(300);
                assertFalse(old.database().isClosed(), "a feature bundle is still using it");
                try (Statement st = held.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!old.database().isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(old.database().isClosed(), "closed once the connection came back");
        } finally {
            storage.close();
        }
    }

    @Test
    void stopUnregistersTheSqlDatabaseWhileItsPoolStillWorksThenClosesIt() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        RecordingPublisher registry = storage.registry;
        JdbcSqlDatabase sql = (JdbcSqlDatabase) registry.current();
        sql.migrate("notes", List.of(NOTES));
        List<Integer> writtenAtDeactivation = new ArrayList<>();
        // A user's @Deactivate persisting its state as the service goes away.
        registry.onUnregister = gone -> {
            try (Connection c = gone.dataSource().getConnection(); Statement st = c.createStatement()) {
                writtenAtDeactivation.add(st.executeUpdate("INSERT INTO notes (id) VALUES (7)"));
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        };

        storage.close();

        assertEquals(List.of(1), writtenAtDeactivation);
        assertTrue(registry.registered.isEmpty());
        assertTrue(sql.database().isClosed());
        assertThrows(SQLException.class, () -> sql.dataSource().getConnection());
    }

    private static final SchemaMigration NOTES = SchemaMigration.portable(1, "notes",
            "CREATE TABLE IF NOT EXISTS notes (id INTEGER NOT NULL PRIMARY KEY);");

    @Test
    void migrationScriptsSplitIntoStatements() {
        List<String> statements = SqlScripts.statements("""
                -- a comment
                CREATE TABLE a (
                    -- inside
                    x INTEGER
                );

                CREATE TABLE b (y INTEGER);
                """);
        assertEquals(List.of("CREATE TABLE a (\nx INTEGER\n)", "CREATE TABLE b (y INTEGER)"), statements);
    }
}
