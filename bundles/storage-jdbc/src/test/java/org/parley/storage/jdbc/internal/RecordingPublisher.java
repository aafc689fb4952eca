package org.parley.storage.jdbc.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.parley.api.storage.SqlDatabase;

/** Stands for the service registry in tests: records which SqlDatabase is registered, and when. */
final class RecordingPublisher implements SqlDatabaseRegistrar.Publisher {
    /** Every SqlDatabase ever registered, in order. */
    final List<SqlDatabase> published = new CopyOnWriteArrayList<>();
    final Set<SqlDatabase> registered = ConcurrentHashMap.newKeySet();
    /** Runs as an unregistration reaches the users of the service (their @Deactivate). */
    volatile Consumer<SqlDatabase> onUnregister = database -> { };

    @Override
    public Runnable publish(SqlDatabase database) {
        published.add(database);
        registered.add(database);
        return () -> {
            onUnregister.accept(database);
            registered.remove(database);
        };
    }

    /** The one SqlDatabase registered now. */
    SqlDatabase current() {
        if (registered.size() != 1) {
            throw new AssertionError("expected one registered SqlDatabase, found " + registered);
        }
        return registered.iterator().next();
    }
}
