package org.parley.storage.jdbc.internal;

import java.util.List;
import javax.sql.DataSource;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * The {@link SqlDatabase} of one open {@link Database}: registered as a service while that database
 * is the one in use, and retired with it, after which it refuses to migrate or to connect.
 */
final class JdbcSqlDatabase implements SqlDatabase {
    private final Database database;
    private final ModuleMigrator migrator;
    private final RetirableDataSource dataSource;

    JdbcSqlDatabase(Database database, ModuleMigrator migrator, RetirableDataSource dataSource) {
        this.database = database;
        this.migrator = migrator;
        this.dataSource = dataSource;
    }

    @Override
    public Dialect dialect() {
        return database.settings().dialect().api();
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * @throws IllegalArgumentException for an invalid module name, or {@value UsersSchema#MODULE},
     *     which is storage-jdbc's own
     */
    @Override
    public void migrate(String module, List<SchemaMigration> migrations) {
        ModuleMigrator.checkModuleName(module);
        if (module.equalsIgnoreCase(UsersSchema.MODULE)) {
            throw new IllegalArgumentException("module name '" + module + "' is reserved for storage-jdbc's own tables");
        }
        if (dataSource.isRetired()) {
            throw new StorageException("cannot migrate module '" + module + "': the database "
                    + database.settings().safeUrl() + " is no longer in use; use the SqlDatabase service registered now",
                    null);
        }
        migrator.migrate(module, List.copyOf(migrations), null);
    }

    /** The database this service belongs to. */
    Database database() {
        return database;
    }

    @Override
    public String toString() {
        return "SqlDatabase[" + database.settings().safeUrl() + "]";
    }
}
