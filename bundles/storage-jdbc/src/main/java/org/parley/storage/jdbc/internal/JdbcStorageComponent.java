package org.parley.storage.jdbc.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.parley.api.storage.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the server's database: it opens the pool and provides it twice, as the
 * {@link UserStore} (stable: a database change swaps the store's pool under it, so its users are
 * not restarted) and, through {@link SqlDatabaseRegistrar}, as the {@link SqlDatabase} of feature
 * bundles (registered anew for every database, so its users re-bind and migrate their tables in
 * the new one). One pool serves both.
 *
 * <p>A configuration change builds and migrates the new database first and swaps only when that
 * worked, so a wrong URL or password leaves the server on the database it was using. The swap:
 * the user store moves to the new pool (waiting for calls under way on the old one), the
 * followers are told (the registrar registers the new SqlDatabase and unregisters the old one:
 * static references restart on the new one, dynamic ones re-bind), then the old one refuses new
 * connections and its pool is closed once the last connection in use is back.
 *
 * <p>Also registered as its own class, a private service, for the registrar: SCR unregisters this
 * component's services before calling {@link #deactivate}, so the registrar, and with it every
 * user of the SqlDatabase, is gone before the pool closes.
 */
@Component(service = {UserStore.class, JdbcStorageComponent.class}, configurationPid = JdbcStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = JdbcStoreConfig.class)
public final class JdbcStorageComponent implements UserStore {
    /** How long a replaced database may keep connections in use before its pool is closed under them. */
    static final Duration RETIRE_PATIENCE = Duration.ofSeconds(30);
    /** The same at stop: shorter, a bundle stop should not hang. */
    static final Duration STOP_PATIENCE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorageComponent.class);

    /**
     * Calls hold the read lock while they use the database; a swap or stop takes the write lock,
     * so a pool is closed only after the calls running on it have finished.
     */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String dataDirectory;
    private final ModuleLocks moduleLocks = new ModuleLocks();
    private Database database; // guarded by lock; null once deactivated
    private JdbcUserStore store; // guarded by lock
    /** Serializes configuration changes, stop and following; none of them holds {@link #lock} while it calls out. */
    private final Object changes = new Object();
    private final List<Consumer<SqlDatabase>> followers = new ArrayList<>(); // guarded by changes
    private boolean stopped; // guarded by changes
    /** Replaced databases waiting for their connections to come back before they close. */
    private final List<Thread> retiring = new ArrayList<>(); // guarded by changes

    @Activate
    public JdbcStorageComponent(BundleContext context, JdbcStoreConfig config, Map<String, Object> properties) {
        this(context.getProperty(StoreSettings.DATA_PROPERTY), config, properties);
    }

    /** Also used by tests, which have no framework: {@code dataDirectory} stands for {@code parley.data}. */
    JdbcStorageComponent(String dataDirectory, JdbcStoreConfig config, Map<String, ?> properties) {
        this.dataDirectory = dataDirectory;
        StoreSettings settings;
        try {
            settings = StoreSettings.from(config, properties, dataDirectory);
        } catch (StoreSettings.InvalidSettingsException e) {
            // No previous database to fall back to: the component cannot start.
            LOG.error("{}: invalid configuration, storage not started: {}", JdbcStoreConfig.PID, e.getMessage());
            throw new IllegalStateException(JdbcStoreConfig.PID + ": " + e.getMessage(), e);
        }
        try {
            install(Database.open(settings, moduleLocks));
        } catch (StorageException e) {
            LOG.error("{}: storage not started: {}", JdbcStoreConfig.PID, e.getMessage());
            throw e;
        }
        LOG.info("Storage on {}", settings.safeUrl());
    }

    /**
     * Hands the follower the SqlDatabase in use now, and each one that replaces it, until the
     * returned action is run. The follower is called with no lock of the store held, so the users
     * it activates may use the store.
     */
    Runnable follow(Consumer<SqlDatabase> follower) {
        synchronized (changes) {
            Database current = database();
            if (stopped || current == null) {
                throw new IllegalStateException("the storage component is stopped");
            }
            followers.add(follower);
            follower.accept(current.sqlDatabase());
        }
        return () -> {
            synchronized (changes) {
                followers.remove(follower);
            }
        };
    }

    @Modified
    void modified(JdbcStoreConfig config, Map<String, Object> properties) {
        reconfigure(config, properties);
    }

    /** Applies a new configuration; returns false (and keeps the current database) when it is unusable. */
    boolean reconfigure(JdbcStoreConfig config, Map<String, ?> properties) {
        synchronized (changes) {
            StoreSettings settings;
            try {
                settings = StoreSettings.from(config, properties, dataDirectory);
            } catch (StoreSettings.InvalidSettingsException e) {
                LOG.error("{}: invalid configuration ignored, keeping {}: {}", JdbcStoreConfig.PID, current(),
                        e.getMessage());
                return false;
            }
            if (stopped) {
                return false;
            }
            if (settings.equals(current())) {
                return true;
            }
            Database next;
            try {
                next = Database.open(settings, moduleLocks);
            } catch (StorageException e) {
                LOG.error("{}: configuration not applied, keeping {}: {}", JdbcStoreConfig.PID, current(),
                        e.getMessage());
                return false;
            }
            Database previous = install(next);
            // The registrar registers the new service and unregisters the old one before it returns:
            // the old pool is retired only after its users' @Deactivate had it to write to.
            for (Consumer<SqlDatabase> follower : List.copyOf(followers)) {
                follower.accept(next.sqlDatabase());
            }
            // At once, not in the background: from here on a stale user gets no connection to it.
            previous.retire();
            retireInBackground(previous);
            LOG.info("Storage moved to {}", settings.safeUrl());
            return true;
        }
    }

    /** Closes a replaced database when its connections are back, without holding up the configuration change. */
    private void retireInBackground(Database previous) {
        retiring.removeIf(t -> !t.isAlive());
        Thread t = new Thread(() -> previous.closeWhenIdle(RETIRE_PATIENCE), "parley-storage-jdbc-retire");
        t.setDaemon(true);
        retiring.add(t);
        t.start();
    }

    @Deactivate
    void deactivate() {
        Database previous;
        List<Thread> waiting;
        synchronized (changes) {
            stopped = true;
            followers.clear(); // SCR stopped the registrar first, as this component's services went away
            lock.writeLock().lock();
            try {
                previous = database;
                database = null;
                store = null;
            } finally {
                lock.writeLock().unlock();
            }
            waiting = List.copyOf(retiring);
            retiring.clear();
        }
        if (previous != null) {
            previous.closeWhenIdle(STOP_PATIENCE);
        }
        for (Thread t : waiting) {
            try {
                t.join(RETIRE_PATIENCE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Makes {@code next} current and returns the database it replaced, now unused. */
    private Database install(Database next) {
        lock.writeLock().lock();
        try {
            Database previous = database;
            database = next;
            store = new JdbcUserStore(next.dataSource(), next.settings().dialect());
            return previous;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The database in use, for tests; null once stopped. */
    Database database() {
        lock.readLock().lock();
        try {
            return database;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The settings in use, for messages and tests; null once stopped. */
    StoreSettings current() {
        lock.readLock().lock();
        try {
            return database == null ? null : database.settings();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T withStore(Function<JdbcUserStore, T> call) {
        lock.readLock().lock();
        try {
            if (store == null) {
                throw new StorageException("the user store is stopped", null);
            }
            return call.apply(store);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean create(String username, List<ScramCredential> credentials) {
        return withStore(s -> s.create(username, credentials));
    }

    @Override
    public void upsertAll(Map<String, List<ScramCredential>> accounts) {
        withStore(s -> {
            s.upsertAll(accounts);
            return null;
        });
    }

    @Override
    public boolean setCredentials(String username, List<ScramCredential> credentials) {
        return withStore(s -> s.setCredentials(username, credentials));
    }

    @Override
    public boolean delete(String username) {
        return withStore(s -> s.delete(username));
    }

    @Override
    public boolean exists(String username) {
        return withStore(s -> s.exists(username));
    }

    @Override
    public Optional<ScramCredential> credential(String username, ScramHash hash) {
        return withStore(s -> s.credential(username, hash));
    }

    @Override
    public List<String> list(int offset, int limit) {
        return withStore(s -> s.list(offset, limit));
    }

    @Override
    public int count() {
        return withStore(s -> s.count());
    }
}
