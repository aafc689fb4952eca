package org.parley.muc.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * A real database behind the SqlDatabase contract: embedded H2 in a directory, as storage-jdbc
 * opens it by default, or a database on a real PostgreSQL server. Its migrate runs each script of
 * the dialect as storage-jdbc does (statements end with a semicolon at a line end); the version
 * bookkeeping is storage-jdbc's and tested there.
 */
final class TestDatabase implements SqlDatabase {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final java.util.function.Supplier<TestDatabase> again;

    TestDatabase(Path directory) {
        this.again = () -> new TestDatabase(directory);
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + directory.resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        this.dataSource = h2;
        this.dialect = Dialect.H2;
    }

    /** A database of a running PostgreSQL server. */
    TestDatabase(String postgresUrl, String user, String password) {
        this.again = () -> new TestDatabase(postgresUrl, user, password);
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgresUrl);
        pg.setUser(user);
        pg.setPassword(password);
        this.dataSource = pg;
        this.dialect = Dialect.POSTGRESQL;
    }

    /** The same database opened anew, as by a restarted server. */
    TestDatabase reopened() {
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

    int count(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the database files, as a stopping server does (H2; a PostgreSQL server is stopped by its owner). */
    void shutdown() throws SQLException {
        if (dialect != Dialect.H2) {
            return;
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        }
    }
}
