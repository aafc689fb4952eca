package org.parley.storage.jdbc.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
import org.parley.api.storage.StorageException;
import org.parley.api.storage.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UserStore} service. It owns one {@link Database} at a time; a configuration change
 * builds and migrates the new one first and swaps only when that worked, so a wrong URL or
 * password leaves the server on the database it was using.
 */
@Component(service = UserStore.class, configurationPid = JdbcStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = JdbcStoreConfig.class)
public final class JdbcUserStoreComponent implements UserStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcUserStoreComponent.class);

    /**
     * Calls hold the read lock while they use the database; a swap or stop takes the write lock,
     * so a pool is closed only after the calls running on it have finished.
     */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String dataDirectory;
    private Database database; // guarded by lock; null once deactivated
    private JdbcUserStore store; // guarded by lock

    @Activate
    public JdbcUserStoreComponent(BundleContext context, JdbcStoreConfig config, Map<String, Object> properties) {
        this(context.getProperty(StoreSettings.DATA_PROPERTY), config, properties);
    }

    /** Also used by tests, which have no framework: {@code dataDirectory} stands for {@code parley.data}. */
    JdbcUserStoreComponent(String dataDirectory, JdbcStoreConfig config, Map<String, ?> properties) {
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
            install(Database.open(settings));
        } catch (StorageException e) {
            LOG.error("{}: storage not started: {}", JdbcStoreConfig.PID, e.getMessage());
            throw e;
        }
        LOG.info("User store on {}", settings.safeUrl());
    }

    @Modified
    void modified(JdbcStoreConfig config, Map<String, Object> properties) {
        reconfigure(config, properties);
    }

    /** Applies a new configuration; returns false (and keeps the current database) when it is unusable. */
    boolean reconfigure(JdbcStoreConfig config, Map<String, ?> properties) {
        StoreSettings settings;
        try {
            settings = StoreSettings.from(config, properties, dataDirectory);
        } catch (StoreSettings.InvalidSettingsException e) {
            LOG.error("{}: invalid configuration ignored, keeping {}: {}", JdbcStoreConfig.PID, current(), e.getMessage());
            return false;
        }
        if (settings.equals(current())) {
            return true;
        }
        Database next;
        try {
            next = Database.open(settings);
        } catch (StorageException e) {
            LOG.error("{}: configuration not applied, keeping {}: {}", JdbcStoreConfig.PID, current(), e.getMessage());
            return false;
        }
        Database previous = install(next);
        if (previous != null) {
            previous.close();
        }
        LOG.info("User store moved to {}", settings.safeUrl());
        return true;
    }

    @Deactivate
    void deactivate() {
        Database previous;
        lock.writeLock().lock();
        try {
            previous = database;
            database = null;
            store = null;
        } finally {
            lock.writeLock().unlock();
        }
        if (previous != null) {
            previous.close();
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
