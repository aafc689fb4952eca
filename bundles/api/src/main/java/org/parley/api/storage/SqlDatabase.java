package org.parley.api.storage;

import java.util.List;
import javax.sql.DataSource;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The server's SQL database, for feature bundles that keep data of their own (rosters, offline
 * messages, rooms): a pooled {@link DataSource} and schema migrations per bundle. Provided by
 * {@code storage-jdbc} (embedded H2 by default, PostgreSQL in production), so a new feature brings
 * its own tables without any change to {@code storage-jdbc}.
 *
 * <p>A feature bundle calls {@link #migrate} with its module name and migrations when it
 * activates (on a {@link org.parley.api.server.WorkerPool} thread or in its activation; it
 * blocks), then uses {@link #dataSource()}. When the database is reconfigured, the service is
 * registered anew: reference it dynamically or statically and let the component restart.
 * All calls block on I/O: never on an I/O or session thread.
 */
@ProviderType
public interface SqlDatabase {
    /** The SQL dialects Parley writes migrations for. */
    enum Dialect { H2, POSTGRESQL }

    Dialect dialect();

    /** The pooled connections. Return each connection promptly (try-with-resources). */
    DataSource dataSource();

    /**
     * Brings a module's tables up to date: applies, in version order, each migration newer than
     * the module's recorded version, each in its own transaction together with the record of it,
     * so a crash part-way leaves the previous version in place and a restart re-runs nothing.
     * Safe when several servers share the database (PostgreSQL: an advisory lock per module).
     *
     * @param module a name owned by one bundle (e.g. {@code roster}): letters, digits, '-', '_'
     * @param migrations the module's migrations, any order; never change one that was released,
     *     add the next version instead
     * @throws StorageException when a migration fails (its transaction is rolled back), or the
     *     database holds a newer version of the module than the migrations know (a downgrade)
     */
    void migrate(String module, List<SchemaMigration> migrations);
}
