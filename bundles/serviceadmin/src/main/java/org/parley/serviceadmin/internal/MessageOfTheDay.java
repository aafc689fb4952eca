package org.parley.serviceadmin.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * The message of the day in storage (one row), and in memory for the sign-ins: reading it costs a
 * volatile read on the session thread. A change made here is seen at once; one made by another
 * server sharing the database when this one next starts.
 */
final class MessageOfTheDay {
    static final String MODULE = "serviceadmin";
    static final int MAX_LENGTH = 4000;
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "message of the day", """
            CREATE TABLE IF NOT EXISTS serviceadmin_motd (
                id INTEGER NOT NULL PRIMARY KEY,
                text VARCHAR(4000) NOT NULL
            );
            """));

    private final SqlDatabase database;
    private volatile String text;

    MessageOfTheDay(SqlDatabase database) {
        this.database = database;
    }

    /** Blocking: migrates and reads the stored message. */
    void load() throws SQLException {
        database.migrate(MODULE, MIGRATIONS);
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT text FROM serviceadmin_motd WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            text = rs.next() ? rs.getString(1) : null;
        }
    }

    /** The message, or null when there is none. Never blocks. */
    String current() {
        return text;
    }

    /** Blocking: replaces the message. */
    void set(String message) throws SQLException {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("the message of the day is empty");
        }
        if (message.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the message of the day is longer than " + MAX_LENGTH + " characters");
        }
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM serviceadmin_motd WHERE id = 1");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO serviceadmin_motd (id, text) VALUES (1, ?)")) {
                delete.executeUpdate();
                insert.setString(1, message);
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        text = message;
    }

    /** Blocking: removes the message; false when there was none. */
    boolean delete() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM serviceadmin_motd WHERE id = 1")) {
            int n = ps.executeUpdate();
            text = null;
            return n > 0;
        }
    }
}
