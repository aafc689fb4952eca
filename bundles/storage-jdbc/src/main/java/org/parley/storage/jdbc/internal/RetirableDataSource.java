package org.parley.storage.jdbc.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as feature bundles see it: connections only, and only while its database is the one
 * in use. It hides the pool's own type, so no bundle can close or reconfigure the shared pool,
 * and once the database is retired (a configuration change moved the server to another one) it
 * refuses new connections with a message that says so, instead of handing out connections to the
 * database the server has left.
 */
final class RetirableDataSource implements DataSource {
    private final DataSource pool;
    private final String description;
    private volatile boolean retired;

    RetirableDataSource(DataSource pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    void retire() {
        retired = true;
    }

    boolean isRetired() {
        return retired;
    }

    private void checkInUse() throws SQLException {
        if (retired) {
            throw new SQLException("the database " + description + " is no longer in use (the storage configuration "
                    + "changed or storage-jdbc stopped): use the SqlDatabase service registered now", "08003");
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkInUse();
        return pool.getConnection();
    }

    /** The pool has one set of credentials, configured by the operator; others are refused. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the shared pool connects with the configured user only");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        throw new SQLFeatureNotSupportedException("the shared pool is configured by storage-jdbc only");
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("the shared pool is configured by storage-jdbc only");
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    /** Only to this class itself: unwrapping to the pool would let a bundle close it. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the shared pool does not unwrap to " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
