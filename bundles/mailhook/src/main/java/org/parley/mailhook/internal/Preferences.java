package org.parley.mailhook.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.parley.mailhook.internal.adhoc.NotificationSetting;

/**
 * Who turned mail notifications off (table mailhook_optout, created by {@link Outbox#MIGRATIONS}):
 * a user is notified unless a row says otherwise, so the default needs no row per user. Blocking:
 * call from the mail thread or the worker pool.
 */
final class Preferences implements NotificationSetting {
    private final DataSource dataSource;
    private final Clock clock;

    Preferences(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean enabled(String username) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM mailhook_optout WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }

    @Override
    public void enabled(String username, boolean on) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (on) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM mailhook_optout WHERE username = ?")) {
                    ps.setString(1, username);
                    ps.executeUpdate();
                }
                return;
            }
            // Insert unless present, in one portable statement: a double submit is not an error.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO mailhook_optout (username, since) SELECT ?, ? "
                    + "WHERE NOT EXISTS (SELECT 1 FROM mailhook_optout WHERE username = ?)")) {
                ps.setString(1, username);
                ps.setLong(2, clock.millis());
                ps.setString(3, username);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (enabled(username)) { // not a concurrent insert of the same row: a real failure
                    throw e;
                }
            }
        }
    }
}
