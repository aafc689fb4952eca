package org.parley.storage.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one module's tables up to date, the way {@link SqlDatabase#migrate} promises. The
 * versions applied are recorded per module in {@code parley_schema_module}; each migration runs in
 * its own transaction together with its record, so a failure leaves the previous version recorded
 * and a restart re-runs nothing that was recorded.
 *
 * <p>Every step happens under a lock for the module: on PostgreSQL an advisory transaction lock
 * on a hash of the module name (several servers may share the database and start together), and
 * within this JVM the {@link ModuleLocks}. The module's version is read after the lock is taken,
 * so a server that waited sees what the other applied and applies nothing twice.
 *
 * <p>On H2, DDL commits the transaction it runs in: a migration that fails after a CREATE keeps
 * that table, though its version is not recorded. Migrations should use IF NOT EXISTS so they can
 * be run again once fixed (PostgreSQL rolls DDL back with the rest).
 */
final class ModuleMigrator {
    /** Letters, digits, '-' and '_': a module name is also hashed into a lock key and shown in messages. */
    static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_DESCRIPTION = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ModuleMigrator.class);
    private static final String TABLE = "parley_schema_module";
    /** Creating the table itself is serialized too: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL. */
    private static final String TABLE_LOCK = "table:" + TABLE;

    /** What a module with a history outside {@code parley_schema_module} adds to each step (see UsersSchema). */
    interface History {
        /** Called in each step's transaction, under the module's lock, before its version is read. */
        void adopt(Connection c, String module) throws SQLException;

        /** Called in the transaction that applies {@code migration}, after its own record. */
        void applied(Connection c, SchemaMigration migration) throws SQLException;
    }

    private final DataSource dataSource;
    private final Dialect dialect;
    private final ModuleLocks locks;

    ModuleMigrator(DataSource dataSource, Dialect dialect, ModuleLocks locks) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.dialect = Objects.requireNonNull(dialect);
        this.locks = Objects.requireNonNull(locks);
    }

    /** @throws IllegalArgumentException naming what is wrong with a module name */
    static void checkModuleName(String module) {
        if (module == null || !MODULE_NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("invalid module name '" + module
                    + "': use 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /**
     * @param history null for a module whose only record is {@code parley_schema_module}
     * @throws StorageException when a migration fails or the database is newer than the migrations
     * @throws IllegalArgumentException for a bad module name, two migrations with one version, or a
     *     description too long to record
     */
    void migrate(String module, List<SchemaMigration> migrations, History history) {
        checkModuleName(module);
        List<SchemaMigration> ordered = ordered(module, migrations);
        int latest = ordered.isEmpty() ? 0 : ordered.get(ordered.size() - 1).version();
        ReentrantLock local = locks.of(module);
        local.lock();
        try (Connection c = dataSource.getConnection()) {
            createTable(c);
            while (step(c, module, ordered, latest, history)) {
                // one migration per transaction, until none is left
            }
        } catch (SQLException e) {
            throw new StorageException("module '" + module + "': cannot migrate: " + Sql.describe(e), e);
        } finally {
            local.unlock();
        }
    }

    private static List<SchemaMigration> ordered(String module, List<SchemaMigration> migrations) {
        List<SchemaMigration> ordered = new ArrayList<>(migrations);
        ordered.sort(Comparator.comparingInt(SchemaMigration::version));
        for (int i = 0; i < ordered.size(); i++) {
            SchemaMigration m = Objects.requireNonNull(ordered.get(i), "migration");
            if (i > 0 && ordered.get(i - 1).version() == m.version()) {
                throw new IllegalArgumentException("module '" + module + "': two migrations have version " + m.version());
            }
            if (m.description().length() > MAX_DESCRIPTION) {
                throw new IllegalArgumentException("module '" + module + "': the description of migration "
                        + m.version() + " is longer than " + MAX_DESCRIPTION + " characters");
            }
        }
        return ordered;
    }

    private void createTable(Connection c) throws SQLException {
        inTransaction(c, () -> {
            lock(c, TABLE_LOCK);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                        + "module VARCHAR(64) NOT NULL, "
                        + "version INTEGER NOT NULL, "
                        + "description VARCHAR(" + MAX_DESCRIPTION + ") NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, "
                        + "PRIMARY KEY (module, version))");
            }
            return null;
        });
    }

    /** Applies the next migration in a transaction of its own; false when there was none to apply. */
    private boolean step(Connection c, String module, List<SchemaMigration> ordered, int latest, History history)
            throws SQLException {
        // What this step applies, once chosen: for the log and for the message of a failure.
        SchemaMigration[] applying = new SchemaMigration[1];
        try {
            inTransaction(c, () -> {
                lock(c, module);
                if (history != null) {
                    history.adopt(c, module);
                }
                int current = currentVersion(c, module);
                if (current > latest) {
                    throw new StorageException("module '" + module + "': the database holds schema version " + current
                            + ", newer than the " + latest + " this code knows: refusing to use it (a newer version "
                            + "of the bundle that owns it ran on this database; install that one again)", null);
                }
                SchemaMigration next = ordered.stream().filter(m -> m.version() > current).findFirst().orElse(null);
                if (next == null) {
                    return null;
                }
                applying[0] = next;
                String script = next.scripts().get(dialect.api());
                if (script == null) {
                    throw new StorageException("module '" + module + "': migration " + next.version() + " ("
                            + next.description() + ") has no SQL for " + dialect.api(), null);
                }
                try (Statement st = c.createStatement()) {
                    for (String sql : SqlScripts.statements(script)) {
                        st.execute(sql);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + TABLE + " (module, version, description) VALUES (?, ?, ?)")) {
                    ps.setString(1, module);
                    ps.setInt(2, next.version());
                    ps.setString(3, next.description());
                    ps.executeUpdate();
                }
                if (history != null) {
                    history.applied(c, next);
                }
                return null;
            });
        } catch (SQLException e) {
            SchemaMigration failed = applying[0];
            throw new StorageException("module '" + module + "': "
                    + (failed == null ? "reading its schema version failed: "
                            : "migration " + failed.version() + " (" + failed.description()
                                    + ") failed, its version is not recorded: ")
                    + Sql.describe(e), e);
        }
        if (applying[0] != null) {
            LOG.info("Module {}: applied schema migration {} ({}) on {}", module, applying[0].version(),
                    applying[0].description(), dialect);
        }
        return applying[0] != null;
    }

    private static int currentVersion(Connection c, String module) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM " + TABLE + " WHERE module = ?")) {
            ps.setString(1, module);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1); // 0 when the module has no row (MAX is NULL)
            }
        }
    }

    /** PostgreSQL: an advisory lock held until this transaction ends. H2: nothing (see {@link ModuleLocks}). */
    private void lock(Connection c, String name) throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey(name));
            ps.executeQuery().close();
        }
    }

    /**
     * The advisory lock key of a name: the first 8 bytes of SHA-256 over a prefix and the name. The
     * same on every server and every version of this code (PostgreSQL's hashtext is not promised
     * to stay the same across its major versions); the prefix keeps it apart from other users of
     * advisory locks in a shared database.
     */
    static long lockKey(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("parley-schema-migration:" + name).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (hash[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
