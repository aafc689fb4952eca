package org.parley.api.storage;

import java.util.Map;
import java.util.Objects;

/**
 * One version of a module's schema: SQL statements separated by semicolons at line ends, per
 * dialect. A migration with the same SQL for every dialect gives one script for all.
 *
 * @param version 1, 2, 3 ...: applied in this order, each once
 * @param description a short description, recorded with the version
 * @param scripts the SQL for each dialect; a dialect missing here fails the migration on that dialect
 */
public record SchemaMigration(int version, String description, Map<SqlDatabase.Dialect, String> scripts) {
    public SchemaMigration {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, got " + version);
        }
        Objects.requireNonNull(description, "description");
        scripts = Map.copyOf(scripts);
    }

    /** A migration whose SQL is the same on every dialect. */
    public static SchemaMigration portable(int version, String description, String sql) {
        Map<SqlDatabase.Dialect, String> all = new java.util.EnumMap<>(SqlDatabase.Dialect.class);
        for (SqlDatabase.Dialect d : SqlDatabase.Dialect.values()) {
            all.put(d, sql);
        }
        return new SchemaMigration(version, description, all);
    }
}
