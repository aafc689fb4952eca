package org.parley.vcard.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * One vCard per user, as they stored it, with the hash of its photo kept beside it so that
 * presence can carry the hash (XEP-0153) without decoding the photo again.
 */
final class VCardStore {
    static final String MODULE = "vcard";

    /** Portable SQL: the same script creates the table on H2 and PostgreSQL. */
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "vCards", """
            CREATE TABLE IF NOT EXISTS vcards (
                username VARCHAR(1023) NOT NULL PRIMARY KEY,
                xml VARCHAR(1000000) NOT NULL,
                photo_hash VARCHAR(40)
            );
            """));

    /** A stored vCard: its XML and the SHA-1 of its photo (null without one). */
    record Stored(String xml, String photoHash) {
    }

    private final SqlDatabase database;

    VCardStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** @return the user's vCard, or null when they never stored one */
    Stored get(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT xml, photo_hash FROM vcards WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    /** Replaces the user's vCard. */
    void put(String username, Stored vCard) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM vcards WHERE username = ?")) {
                    delete.setString(1, username);
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO vcards (username, xml, photo_hash) VALUES (?, ?, ?)")) {
                    insert.setString(1, username);
                    insert.setString(2, vCard.xml());
                    insert.setString(3, vCard.photoHash());
                    insert.executeUpdate();
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

    void delete(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM vcards WHERE username = ?")) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }
}
