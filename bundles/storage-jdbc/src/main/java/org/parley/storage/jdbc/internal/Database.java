package org.parley.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.parley.api.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open connection pool, with the users tables migrated, and the {@link JdbcSqlDatabase} that
 * hands the same pool to feature bundles: one pool per server, whoever uses it. Closing it closes
 * every connection and pool thread.
 */
final class Database implements AutoCloseable {
    private static final String POOL_NAME = "parley-storage-jdbc";
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final StoreSettings settings;
    private final HikariDataSource pool;
    private final RetirableDataSource shared;
    private final JdbcSqlDatabase sqlDatabase;

    private Database(StoreSettings settings, HikariDataSource pool, ModuleLocks locks) {
        this.settings = settings;
        this.pool = pool;
        this.shared = new RetirableDataSource(pool, settings.safeUrl());
        this.sqlDatabase = new JdbcSqlDatabase(this, new ModuleMigrator(shared, settings.dialect(), locks), shared);
    }

    /**
     * Opens the pool, which connects once (so a wrong URL or password fails here, not on the first
     * login), and brings the users tables up to date.
     *
     * @param locks the migration locks of the component, shared by every database it opens
     * @throws StorageException naming what failed
     */
    static Database open(StoreSettings settings, ModuleLocks locks) {
        HikariDataSource pool = createPool(settings);
        try {
            Database database = new Database(settings, pool, locks);
            new ModuleMigrator(pool, settings.dialect(), locks)
                    .migrate(UsersSchema.MODULE, UsersSchema.migrations(), new UsersSchema());
            return database;
        } catch (StorageException e) {
            pool.close();
            throw new StorageException("migrating the schema of " + settings.safeUrl() + " failed: "
                    + e.getMessage(), e);
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

    /** The pool itself, for this bundle's own stores. */
    DataSource dataSource() {
        return pool;
    }

    /** The service feature bundles use while this is the database in use. */
    JdbcSqlDatabase sqlDatabase() {
        return sqlDatabase;
    }

    /** From now on feature bundles get no new connection from this database; this bundle's stores still may. */
    void retire() {
        shared.retire();
    }

    /**
     * Retires the database and closes it once no connection is in use any more, or after
     * {@code patience} at most: closing the pool under a connection breaks whatever a feature
     * bundle was doing with it, which waiting a little avoids.
     */
    void closeWhenIdle(Duration patience) {
        retire();
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            while (pool.getHikariPoolMXBean() != null && pool.getHikariPoolMXBean().getActiveConnections() > 0
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int busy = pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections();
        if (busy > 0) {
            LOG.warn("Closing the pool of {} with {} connections still in use after {} s", settings.safeUrl(), busy,
                    patience.toSeconds());
        }
        pool.close();
    }

    boolean isClosed() {
        return pool.isClosed();
    }

    @Override
    public void close() {
        retire();
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
