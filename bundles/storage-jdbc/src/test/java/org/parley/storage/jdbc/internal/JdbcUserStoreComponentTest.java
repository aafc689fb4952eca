package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.storage.ScramHash;

/** Configuration handling of the component: defaults, validation, and keeping a working setup. */
class JdbcUserStoreComponentTest {
    @TempDir
    Path data;

    @Test
    void defaultUrlIsAnH2FileDatabaseInTheDataDirectory() throws Exception {
        StoreSettings s = StoreSettings.from(TestConfig.embeddedDefault(), Map.of(), data.toString());
        assertEquals(Dialect.H2, s.dialect());
        assertEquals("jdbc:h2:file:" + data.resolve("db").resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE", s.url());
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
                () -> new JdbcUserStoreComponent((String) null, TestConfig.embeddedDefault(), Map.of()));
        assertTrue(e.getMessage().startsWith("org.parley.storage.jdbc: key 'url' is empty"), e.getMessage());
    }

    @Test
    void invalidOrUnreachableConfigurationKeepsTheWorkingDatabase() {
        JdbcUserStoreComponent store = new JdbcUserStoreComponent(data.toString(), TestConfig.embeddedDefault(), Map.of());
        try {
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
        } finally {
            store.deactivate();
        }
    }

    @Test
    void validConfigurationChangeMovesToTheNewDatabase() throws Exception {
        JdbcUserStoreComponent store = new JdbcUserStoreComponent(data.toString(), TestConfig.embeddedDefault(), Map.of());
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
    void migrationScriptsSplitIntoStatements() {
        List<String> statements = Migrations.statements("""
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
