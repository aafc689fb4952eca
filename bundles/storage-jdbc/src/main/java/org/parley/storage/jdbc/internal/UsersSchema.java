package org.parley.storage.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.StorageException;

/**
 * The tables of the {@code UserStore} (accounts and SCRAM credentials), migrated like any feature
 * bundle's as module {@value #MODULE}, with one addition: their history before modules existed.
 *
 * <p>Until per-module migrations, this bundle recorded its versions in {@code parley_schema}.
 * That table stays the record of the users tables as well, both ways: versions found there and
 * not in {@code parley_schema_module} are adopted (an existing database at version 1 is at
 * version 1 of the module, and nothing is run again), and every version applied is written to
 * both, so an older storage-jdbc, which reads only {@code parley_schema}, still refuses a database
 * migrated past what it knows.
 */
final class UsersSchema implements ModuleMigrator.History {
    /** Reserved: feature bundles cannot migrate a module of this name. */
    static final String MODULE = "users";

    /**
     * The migrations, oldest first. Listed here rather than discovered, because a bundle's
     * class loader cannot list a resource folder and the order must never depend on a listing.
     * Never edit a released file: add the next version instead.
     */
    static final List<String> RESOURCES = List.of("db/V1__users.sql");

    private static final Pattern NAME = Pattern.compile("db/V(\\d+)__(\\w+)\\.sql");
    private static final String LEGACY_TABLE = "parley_schema";

    /** The migrations of the module, read from the bundle. */
    static List<SchemaMigration> migrations() {
        List<SchemaMigration> result = new ArrayList<>();
        for (String resource : RESOURCES) {
            Matcher m = matcher(resource);
            result.add(SchemaMigration.portable(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '),
                    read(resource)));
        }
        return result;
    }

    /** The newest version this code knows. */
    static int latestVersion() {
        return Integer.parseInt(matcher(RESOURCES.get(RESOURCES.size() - 1)).group(1));
    }

    @Override
    public void adopt(Connection c, String module) throws SQLException {
        try (Statement st = c.createStatement()) {
            // The DDL the bundle has always used, so an existing table is left exactly as it is.
            st.execute("CREATE TABLE IF NOT EXISTS " + LEGACY_TABLE + " ("
                    + "schema_version INTEGER NOT NULL PRIMARY KEY, "
                    + "description VARCHAR(200) NOT NULL, "
                    + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO parley_schema_module "
                + "(module, version, description, applied_at) "
                + "SELECT ?, s.schema_version, s.description, s.applied_at FROM " + LEGACY_TABLE + " s "
                + "WHERE NOT EXISTS (SELECT 1 FROM parley_schema_module m "
                + "WHERE m.module = ? AND m.version = s.schema_version)")) {
            ps.setString(1, module);
            ps.setString(2, module);
            ps.executeUpdate();
        }
    }

    @Override
    public void applied(Connection c, SchemaMigration migration) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + LEGACY_TABLE + " (schema_version, description) VALUES (?, ?)")) {
            ps.setInt(1, migration.version());
            ps.setString(2, migration.description());
            ps.executeUpdate();
        }
    }

    private static String read(String resource) {
        try (InputStream in = UsersSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new StorageException("migration " + resource + " is missing from the bundle", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("cannot read migration " + resource, e);
        }
    }

    private static Matcher matcher(String resource) {
        Matcher m = NAME.matcher(resource);
        if (!m.matches()) {
            throw new IllegalStateException("migration name does not match db/V<n>__<name>.sql: " + resource);
        }
        return m;
    }
}
