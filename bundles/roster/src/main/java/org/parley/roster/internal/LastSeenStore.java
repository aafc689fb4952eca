package org.parley.roster.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * When each user was last seen: the unavailable presence their last available resource sent, and
 * when. Kept so that a probe answered after a restart still says when a contact left (RFC 6121
 * section 4.3.2) and XEP-0012 can say how long ago. Every call blocks: run it on the worker pool.
 */
final class LastSeenStore {
    static final String MODULE = "lastseen";

    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "last unavailable presence", """
            CREATE TABLE IF NOT EXISTS last_seen (
                username VARCHAR(1023) NOT NULL PRIMARY KEY,
                at_millis BIGINT NOT NULL,
                presence VARCHAR(262144) NOT NULL
            );
            """));

    /** A stored last unavailable presence (its XML) and when it was sent. */
    record Seen(String presenceXml, long atMillis) {
    }

    private final SqlDatabase database;

    LastSeenStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** @return when the user was last seen, or null when never (since the server kept track) */
    Seen get(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT presence, at_millis FROM last_seen WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Seen(rs.getString(1), rs.getLong(2)) : null;
            }
        }
    }

    void put(String username, Seen seen) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM last_seen WHERE username = ?")) {
                    delete.setString(1, username);
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO last_seen (username, at_millis, presence) VALUES (?, ?, ?)")) {
                    insert.setString(1, username);
                    insert.setLong(2, seen.atMillis());
                    insert.setString(3, seen.presenceXml());
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
             PreparedStatement ps = c.prepareStatement("DELETE FROM last_seen WHERE username = ?")) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }
}
