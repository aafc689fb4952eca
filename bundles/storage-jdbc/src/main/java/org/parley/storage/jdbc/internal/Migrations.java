package org.parley.storage.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.parley.api.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date. The applied versions are recorded in {@code parley_schema}; each
 * newer migration runs in its own transaction together with the row that records it, so a
 * restart re-runs nothing and a failed migration leaves the previous version in place.
 */
final class Migrations {
    /**
     * The migrations, oldest first. Listed here rather than discovered, because a bundle's
     * class loader cannot list a resource folder and the order must never depend on a listing.
     * Never edit a released file: add the next version instead.
     */
    static final List<String> RESOURCES = List.of("db/V1__users.sql");

    private static final Pattern NAME = Pattern.compile("db/V(\\d+)__(\\w+)\\.sql");
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final Dialect dialect;

    Migrations(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The newest version this code knows. */
    static int latestVersion() {
        return version(RESOURCES.get(RESOURCES.size() - 1));
    }

    void migrate(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS parley_schema ("
                        + "schema_version INTEGER NOT NULL PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            }
            int current = currentVersion(c);
            if (current > latestVersion()) {
                throw new StorageException("the database schema is version " + current
                        + ", newer than this bundle knows (" + latestVersion() + "): refusing to use it", null);
            }
            for (String resource : RESOURCES) {
                int version = version(resource);
                if (version > current) {
                    apply(c, resource, version);
                }
            }
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(schema_version) FROM parley_schema")) {
            rs.next();
            return rs.getInt(1); // 0 when the table is empty (MAX is NULL)
        }
    }

    private void apply(Connection c, String resource, int version) throws SQLException {
        List<String> statements = statements(read(resource));
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO parley_schema (schema_version, description) VALUES (?, ?)")) {
                ps.setInt(1, version);
                ps.setString(2, description(resource));
                ps.executeUpdate();
            }
            c.commit();
            LOG.info("Applied schema migration {} on {}", resource, dialect);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Splits a migration into statements at semicolons that end a line, dropping {@code --}
     * comment lines. Migrations are plain DDL: no semicolons inside literals or bodies.
     */
    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                result.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new StorageException("migration " + resource + " is missing from the bundle", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("cannot read migration " + resource, e);
        }
    }

    static int version(String resource) {
        return Integer.parseInt(matcher(resource).group(1));
    }

    private static String description(String resource) {
        return matcher(resource).group(2).replace('_', ' ');
    }

    private static Matcher matcher(String resource) {
        Matcher m = NAME.matcher(resource);
        if (!m.matches()) {
            throw new IllegalStateException("migration name does not match db/V<n>__<name>.sql: " + resource);
        }
        return m;
    }
}
