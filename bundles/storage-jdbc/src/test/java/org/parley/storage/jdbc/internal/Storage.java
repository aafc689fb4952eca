package org.parley.storage.jdbc.internal;

import java.util.Map;
import org.parley.api.storage.SqlDatabase;

/**
 * storage-jdbc's two components, started and stopped in the order SCR uses, without a framework:
 * the storage component first, then the registrar that follows it; at stop the registrar first
 * (SCR deactivates it as the storage component's services go away), then the storage component.
 */
final class Storage implements AutoCloseable {
    final JdbcStorageComponent store;
    final SqlDatabaseRegistrar registrar;
    final RecordingPublisher registry = new RecordingPublisher();
    private boolean stopped;

    Storage(String dataDirectory, TestConfig config) {
        this(dataDirectory, config, config.properties());
    }

    Storage(String dataDirectory, JdbcStoreConfig config, Map<String, ?> properties) {
        store = new JdbcStorageComponent(dataDirectory, config, properties);
        registrar = new SqlDatabaseRegistrar(store, registry);
    }

    /** The SqlDatabase registered now. */
    SqlDatabase sql() {
        return registry.current();
    }

    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            registrar.deactivate();
            store.deactivate();
        }
    }
}
