package org.parley.privatexml.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/** One stored element per user and namespace (XEP-0049 keys private data by its namespace). */
final class PrivateStore {
    static final String MODULE = "privatexml";

    /** Portable SQL: the same script creates the table on H2 and PostgreSQL. */
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "private XML storage", """
            CREATE TABLE IF NOT EXISTS private_xml (
                username VARCHAR(1023) NOT NULL,
                namespace VARCHAR(1023) NOT NULL,
                xml VARCHAR(1000000) NOT NULL,
                PRIMARY KEY (username, namespace)
            );
            """));

    private final SqlDatabase database;

    PrivateStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** @return the stored XML, or null */
    String get(String username, String namespace) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT xml FROM private_xml WHERE username = ? AND namespace = ?")) {
            ps.setString(1, username);
            ps.setString(2, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Stores the elements of one request together: all or none. */
    void put(String username, List<String[]> namespaceAndXml) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String[] entry : namespaceAndXml) {
                    try (PreparedStatement delete = c.prepareStatement("DELETE FROM private_xml WHERE username = ? AND namespace = ?")) {
                        delete.setString(1, username);
                        delete.setString(2, entry[0]);
                        delete.executeUpdate();
                    }
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO private_xml (username, namespace, xml) VALUES (?, ?, ?)")) {
                        insert.setString(1, username);
                        insert.setString(2, entry[0]);
                        insert.setString(3, entry[1]);
                        insert.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    void deleteAll(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM private_xml WHERE username = ?")) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }

    /** How many namespaces the user keeps data under, and their total size, not counting {@code except}. */
    long[] usage(String username, List<String> except) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT namespace, LENGTH(xml) FROM private_xml WHERE username = ?")) {
            ps.setString(1, username);
            long count = 0;
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!except.contains(rs.getString(1))) {
                        count++;
                        bytes += rs.getLong(2);
                    }
                }
            }
            return new long[] {count, bytes};
        }
    }
}
