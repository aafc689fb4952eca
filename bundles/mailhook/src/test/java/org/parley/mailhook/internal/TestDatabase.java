package org.parley.mailhook.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * A real embedded H2 database behind the SqlDatabase contract, as storage-jdbc opens it by
 * default. Its migrate runs each script as storage-jdbc does (statements end with a semicolon at a
 * line end); the version bookkeeping is storage-jdbc's and tested there.
 */
final class TestDatabase implements SqlDatabase {
    private final Path directory;
    private final JdbcDataSource dataSource = new JdbcDataSource();

    TestDatabase(Path directory) {
        this.directory = directory;
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    }

    /** The same database opened anew, as by a restarted server. */
    TestDatabase reopened() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        }
        return new TestDatabase(directory);
    }

    @Override
    public Dialect dialect() {
        return Dialect.H2;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void migrate(String module, List<SchemaMigration> migrations) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (SchemaMigration m : migrations.stream().sorted(Comparator.comparingInt(SchemaMigration::version)).toList()) {
                for (String sql : m.scripts().get(Dialect.H2).split(";\\s*\n")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("migration of " + module + " failed: " + e.getMessage(), e);
        }
    }
}
