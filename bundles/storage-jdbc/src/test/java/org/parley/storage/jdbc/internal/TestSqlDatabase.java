package org.parley.storage.jdbc.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real database behind the {@link SqlDatabase} contract, for the unit tests of bundles that keep
 * tables of their own (lent through this bundle's test jar, beside {@link PostgresServer}):
 * embedded H2 in a directory as storage-jdbc opens it by default, a private in-memory H2, or a
 * database on a real PostgreSQL server. Its {@code migrate} runs each script of the dialect as
 * storage-jdbc does (statements end with a semicolon at a line end); the version bookkeeping is
 * storage-jdbc's and tested here in its own tests.
 */
public final class TestSqlDatabase implements SqlDatabase {
    private static final AtomicInteger IN_MEMORY = new AtomicInteger();

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<TestSqlDatabase> again;
    /** Keeps an in-memory database alive while the test runs; else null. */
    private final Connection keeper;

    private TestSqlDatabase(DataSource dataSource, Dialect dialect, Supplier<TestSqlDatabase> again, boolean keepOpen) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.again = again;
        try {
            this.keeper = keepOpen ? dataSource.getConnection() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Embedded H2 in files under {@code directory}, committing as the server does ({@code WRITE_DELAY=0}). */
    public static TestSqlDatabase h2(Path directory) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + directory.resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        return new TestSqlDatabase(h2, Dialect.H2, () -> h2(directory), false);
    }

    /** A private in-memory H2 database, gone at {@link #close}. */
    public static TestSqlDatabase h2InMemory() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:parley-test-" + IN_MEMORY.incrementAndGet() + ";DB_CLOSE_DELAY=0");
        return new TestSqlDatabase(h2, Dialect.H2, null, true);
    }

    /** A database of a running PostgreSQL server ({@link PostgresServer#createDatabase}). */
    public static TestSqlDatabase postgres(String url, String user, String password) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        pg.setUser(user);
        pg.setPassword(password);
        return new TestSqlDatabase(pg, Dialect.POSTGRESQL, () -> postgres(url, user, password), false);
    }

    /** A fresh database of {@code server}. */
    public static TestSqlDatabase postgres(PostgresServer server) {
        try {
            return postgres(server.createDatabase(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same database opened anew after {@link #shutdown}, as by a restarted server. */
    public TestSqlDatabase reopened() {
        if (again == null) {
            throw new IllegalStateException("an in-memory database cannot be reopened");
        }
        return again.get();
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void migrate(String module, List<SchemaMigration> migrations) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (SchemaMigration m : migrations.stream().sorted(Comparator.comparingInt(SchemaMigration::version)).toList()) {
                for (String sql : m.scripts().get(dialect).split(";\\s*\n")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("migration of " + module + " failed: " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query: a count, for assertions. */
    public int count(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the database files, as a stopping server does (H2 on disk; a PostgreSQL server is stopped by its owner). */
    public void shutdown() throws SQLException {
        if (dialect != Dialect.H2 || keeper != null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        }
    }

    /** Lets an in-memory database go. */
    public void close() {
        if (keeper == null) {
            return;
        }
        try {
            keeper.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
