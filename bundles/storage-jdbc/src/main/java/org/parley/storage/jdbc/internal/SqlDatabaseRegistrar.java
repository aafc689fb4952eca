package org.parley.storage.jdbc.internal;

import java.util.Hashtable;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.storage.SqlDatabase;

/**
 * Keeps the {@link SqlDatabase} of the database in use registered: one registration per database,
 * replaced when {@link JdbcStorageComponent} moves to another (new registered before old
 * unregistered, so a dynamic mandatory reference stays satisfied).
 *
 * <p>Registered through the bundle context rather than declared, because DS registers a
 * component's service once per activation, and re-activating the storage component on a change
 * would close the working database before the new one is known to work. A component of its own,
 * activated after the storage component is complete: registering from inside that component's
 * activation would let a user of both SqlDatabase and UserStore (directly or through auth) ask SCR
 * for a UserStore still being built on the same thread. Immediate: the SqlDatabase must be there
 * whether or not anyone uses the UserStore.
 */
// Declares the service DS does not know about, for resolvers that match services to references.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.parley.api.storage.SqlDatabase",
        uses = SqlDatabase.class)
@Component(service = {}, immediate = true)
public final class SqlDatabaseRegistrar {
    /** Registers a SqlDatabase service; a seam, so tests run without a framework. */
    interface Publisher {
        /** @return what unregisters it */
        Runnable publish(SqlDatabase database);
    }

    private final Publisher publisher;
    private final Runnable unfollow;
    private Runnable unpublish; // guarded by this

    @Activate
    public SqlDatabaseRegistrar(@Reference JdbcStorageComponent storage, BundleContext context) {
        this(storage, database -> {
            ServiceRegistration<SqlDatabase> registration = context.registerService(SqlDatabase.class, database,
                    new Hashtable<>(Map.of("parley.sql.dialect", database.dialect().name())));
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping and the framework unregistered it first
                }
            };
        });
    }

    SqlDatabaseRegistrar(JdbcStorageComponent storage, Publisher publisher) {
        this.publisher = publisher;
        this.unfollow = storage.follow(this::publish);
    }

    private synchronized void publish(SqlDatabase database) {
        Runnable previous = unpublish;
        unpublish = publisher.publish(database);
        if (previous != null) {
            previous.run();
        }
    }

    /** Unregisters while the pool is still open: the users' @Deactivate may still write to it. */
    @Deactivate
    void deactivate() {
        unfollow.run();
        synchronized (this) {
            if (unpublish != null) {
                unpublish.run();
                unpublish = null;
            }
        }
    }
}
