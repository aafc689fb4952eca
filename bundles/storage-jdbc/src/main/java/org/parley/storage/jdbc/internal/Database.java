package org.parley.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.parley.api.storage.StorageException;

/** One open connection pool over a migrated schema. Closing it closes every connection and pool thread. */
final class Database implements AutoCloseable {
    private static final String POOL_NAME = "parley-storage-jdbc";

    private final StoreSettings settings;
    private final HikariDataSource pool;

    private Database(StoreSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /**
     * Opens the pool, which connects once (so a wrong URL or password fails here, not on the first
     * login), and brings the schema up to date.
     *
     * @throws StorageException naming what failed
     */
    static Database open(StoreSettings settings) {
        HikariDataSource pool = createPool(settings);
        try {
            new Migrations(settings.dialect()).migrate(pool);
            return new Database(settings, pool);
        } catch (SQLException e) {
            pool.close();
            throw new StorageException("migrating the schema of " + settings.safeUrl() + " failed: "
                    + Sql.describe(e), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource createPool(StoreSettings settings) {
        DataSource driver;
        try {
            driver = settings.dialect().dataSource(settings.url(), settings.user(), settings.password());
        } catch (NoClassDefFoundError e) {
            throw new StorageException("the JDBC driver for " + settings.safeUrl()
                    + " is not installed (missing class " + e.getMessage() + ")", null);
        } catch (IllegalArgumentException e) {
            throw new StorageException("invalid JDBC URL " + settings.safeUrl() + ": " + e.getMessage(), e);
        }
        ClassLoader bundleLoader = Database.class.getClassLoader();
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setDataSource(driver);
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        config.setThreadFactory(new PoolThreads(bundleLoader));
        // Hikari's threads inherit the context class loader of the thread that builds the pool (the
        // SCR actor, or whatever called @Modified): set it to this bundle's, which sees Hikari and
        // the driver, so nothing the pool loads later depends on the caller.
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(bundleLoader);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String detail = cause instanceof SQLException sql ? Sql.describe(sql) : String.valueOf(cause.getMessage());
            throw new StorageException("cannot connect to " + settings.safeUrl()
                    + (settings.user().isEmpty() ? "" : " as " + settings.user()) + ": " + detail, e);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    StoreSettings settings() {
        return settings;
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Named daemon threads whose context class loader is this bundle's (see {@link #createPool}). */
    private static final class PoolThreads implements ThreadFactory {
        private final ClassLoader loader;
        private final AtomicInteger count = new AtomicInteger();

        PoolThreads(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, POOL_NAME + "-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        }
    }
}
