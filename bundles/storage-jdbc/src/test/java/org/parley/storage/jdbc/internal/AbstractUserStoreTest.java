package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.StorageException;

/**
 * The store's behaviour, run once per database. Each subclass only says how to configure a fresh,
 * empty database: the component is started from that configuration exactly as SCR would start it.
 */
abstract class AbstractUserStoreTest {
    private JdbcStorageComponent store;
    private TestConfig config;

    /** The configuration of a fresh, empty database for one test. */
    protected abstract TestConfig freshDatabase() throws Exception;

    /** What the framework property parley.data would say; null when it is not set. */
    protected abstract String dataDirectory();

    @BeforeEach
    void open() throws Exception {
        config = freshDatabase();
        store = start(config);
    }

    @AfterEach
    void close() {
        store.deactivate();
    }

    private JdbcStorageComponent start(TestConfig c) {
        return new JdbcStorageComponent(dataDirectory(), c, c.properties());
    }

    @Test
    void createMakesAnAccountThatExists() {
        assertFalse(store.exists("alice"));
        assertTrue(store.create("alice", credentials("alice")));
        assertTrue(store.exists("alice"));
        assertEquals(1, store.count());
    }

    @Test
    void createOfAnExistingAccountReturnsFalseAndKeepsItsCredentials() {
        List<ScramCredential> original = credentials("first");
        assertTrue(store.create("alice", original));
        assertFalse(store.create("alice", credentials("second")));
        assertArrayEquals(original.get(0).storedKey(), store.credential("alice", ScramHash.SHA_1).orElseThrow().storedKey());
        assertEquals(1, store.count());
    }

    @Test
    void credentialsRoundTripByteForByte() {
        List<ScramCredential> written = credentials("alice");
        store.create("alice", written);
        for (ScramCredential expected : written) {
            ScramCredential read = store.credential("alice", expected.hash()).orElseThrow();
            assertEquals(expected.hash(), read.hash());
            assertArrayEquals(expected.salt(), read.salt());
            assertEquals(expected.iterations(), read.iterations());
            assertArrayEquals(expected.storedKey(), read.storedKey());
            assertArrayEquals(expected.serverKey(), read.serverKey());
        }
    }

    @Test
    void unknownAccountHasNoCredential() {
        assertEquals(Optional.empty(), store.credential("nobody", ScramHash.SHA_256));
        store.create("alice", List.of(credential(ScramHash.SHA_1, "alice")));
        assertEquals(Optional.empty(), store.credential("alice", ScramHash.SHA_256), "only SHA-1 was stored");
    }

    @Test
    void setCredentialsReplacesAllOfThemAndNeedsAnAccount() {
        store.create("alice", credentials("old"));
        assertTrue(store.setCredentials("alice", List.of(credential(ScramHash.SHA_256, "new"))));
        assertArrayEquals(key("new", ScramHash.SHA_256, 1),
                store.credential("alice", ScramHash.SHA_256).orElseThrow().storedKey());
        assertEquals(Optional.empty(), store.credential("alice", ScramHash.SHA_1), "replaced, not merged");
        assertFalse(store.setCredentials("bob", credentials("bob")));
        assertFalse(store.exists("bob"));
    }

    @Test
    void deleteRemovesTheAccountAndCascadesToItsCredentials() throws SQLException {
        store.create("alice", credentials("alice"));
        store.create("bob", credentials("bob"));
        assertTrue(store.delete("alice"));
        assertFalse(store.exists("alice"));
        assertFalse(store.delete("alice"), "already gone");
        assertEquals(0, countRows("SELECT COUNT(*) FROM scram_credentials WHERE username = 'alice'"));
        assertEquals(2, countRows("SELECT COUNT(*) FROM scram_credentials WHERE username = 'bob'"));
    }

    @Test
    void listPagesThroughAccountsInOrder() {
        for (String name : List.of("dave", "alice", "carol", "erin", "bob")) {
            store.create(name, credentials(name));
        }
        assertEquals(List.of("alice", "bob"), store.list(0, 2));
        assertEquals(List.of("carol", "dave"), store.list(2, 2));
        assertEquals(List.of("erin"), store.list(4, 2));
        assertEquals(List.of(), store.list(5, 2));
        assertEquals(List.of(), store.list(0, 0));
        assertThrows(IllegalArgumentException.class, () -> store.list(-1, 2));
    }

    @Test
    void countFollowsCreatesAndDeletes() {
        assertEquals(0, store.count());
        store.create("alice", credentials("alice"));
        store.create("bob", credentials("bob"));
        assertEquals(2, store.count());
        store.delete("bob");
        assertEquals(1, store.count());
    }

    @Test
    void upsertAllCreatesNewAccountsAndReplacesTheCredentialsOfExistingOnes() {
        store.create("alice", credentials("old"));
        Map<String, List<ScramCredential>> accounts = new LinkedHashMap<>();
        accounts.put("alice", List.of(credential(ScramHash.SHA_256, "new")));
        accounts.put("bob", credentials("bob"));
        store.upsertAll(accounts);
        assertEquals(2, store.count());
        assertArrayEquals(key("new", ScramHash.SHA_256, 1),
                store.credential("alice", ScramHash.SHA_256).orElseThrow().storedKey());
        assertEquals(Optional.empty(), store.credential("alice", ScramHash.SHA_1));
        assertTrue(store.credential("bob", ScramHash.SHA_1).isPresent());
    }

    @Test
    void upsertAllOfOneHundredThousandAccountsCompletes() {
        int n = 100_000;
        Map<String, List<ScramCredential>> accounts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = "user" + i;
            accounts.put(name, credentials(name));
        }
        long start = System.nanoTime();
        store.upsertAll(accounts);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%s: upsertAll of %,d accounts (%,d credentials) took %,d ms%n",
                getClass().getSimpleName(), n, 2 * n, millis);
        assertEquals(n, store.count());
        assertArrayEquals(key("user99999", ScramHash.SHA_256, 1),
                store.credential("user99999", ScramHash.SHA_256).orElseThrow().storedKey());

        // Importing the same accounts again replaces them rather than failing on existing rows.
        start = System.nanoTime();
        store.upsertAll(accounts);
        millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%s: second upsertAll of the same %,d accounts took %,d ms%n",
                getClass().getSimpleName(), n, millis);
        assertEquals(n, store.count());
    }

    @Test
    void reopeningRunsNoMigrationAgainAndKeepsTheData() throws SQLException {
        store.create("alice", credentials("alice"));
        assertEquals(1, countRows("SELECT COUNT(*) FROM parley_schema"));
        store.deactivate();

        store = start(config);
        assertEquals(1, countRows("SELECT COUNT(*) FROM parley_schema"), "no migration applied twice");
        assertEquals(UsersSchema.latestVersion(), countRows("SELECT MAX(schema_version) FROM parley_schema"));
        assertEquals(UsersSchema.latestVersion(),
                countRows("SELECT MAX(version) FROM parley_schema_module WHERE module = 'users'"));
        assertEquals(1, countRows("SELECT COUNT(*) FROM parley_schema_module"), "one record per version");
        assertTrue(store.exists("alice"));
        assertTrue(store.credential("alice", ScramHash.SHA_256).isPresent());
    }

    @Test
    void storageFailuresSayWhatFailed() {
        // Two credentials for one hash break the primary key: the whole create is rolled back.
        StorageException e = assertThrows(StorageException.class,
                () -> store.create("alice", List.of(credential(ScramHash.SHA_1, "a"), credential(ScramHash.SHA_1, "b"))));
        assertTrue(e.getMessage().startsWith("creating user 'alice' failed: "), e.getMessage());
        assertFalse(store.exists("alice"), "rolled back");

        store.deactivate();
        StorageException stopped = assertThrows(StorageException.class, () -> store.count());
        assertEquals("the user store is stopped", stopped.getMessage());
        store = start(config);
    }

    /** Runs a query that returns one integer, on a connection of the store's own database. */
    private int countRows(String sql) throws SQLException {
        StoreSettings s = store.current();
        DataSource ds = s.dialect().dataSource(s.url(), s.user(), s.password());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<ScramCredential> credentials(String seed) {
        return List.of(credential(ScramHash.SHA_1, seed), credential(ScramHash.SHA_256, seed));
    }

    /** A credential whose bytes are derived from the seed, so a test can tell which one was stored. */
    static ScramCredential credential(ScramHash hash, String seed) {
        byte[] salt = ("salt-" + seed).getBytes(StandardCharsets.UTF_8);
        return new ScramCredential(hash, salt, 4096, key(seed, hash, 1), key(seed, hash, 2));
    }

    static byte[] key(String seed, ScramHash hash, int which) {
        byte[] key = new byte[hash.length()];
        byte[] s = (seed + which).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (s[i % s.length] + i);
        }
        return key;
    }
}
