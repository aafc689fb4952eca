package org.parley.roster.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A private in-memory H2 database behind the storage contract, with migrations run as
 * storage-jdbc runs them (statements end with a semicolon at a line end). The itests use the
 * real storage-jdbc service.
 */
final class TestDatabase implements SqlDatabase {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final DataSource dataSource;
    private final Dialect dialect;
    /** Keeps an in-memory database alive while the test runs. */
    private final Connection keeper;

    TestDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:roster-test-" + NAMES.incrementAndGet() + ";DB_CLOSE_DELAY=0");
        this.dataSource = h2;
        this.dialect = Dialect.H2;
        try {
            keeper = dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh database on a real PostgreSQL server. */
    TestDatabase(String postgresUrl, String user, String password) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgresUrl);
        pg.setUser(user);
        pg.setPassword(password);
        this.dataSource = pg;
        this.dialect = Dialect.POSTGRESQL;
        this.keeper = null;
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
            for (SchemaMigration m : migrations) {
                for (String sql : m.scripts().get(dialect).split(";\\s*\\n")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException(e.getMessage(), e);
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

    void close() {
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
