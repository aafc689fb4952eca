package org.parley.usage.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * Distinct users per ISO week: one row per account per week it signed in, keyed by the week's
 * Monday. A week's figure is a count over an index range; a user signing in a thousand times in a
 * week is one row. Rows older than what is kept are deleted when a week begins.
 */
final class WeeklyStore {
    static final String MODULE = "usage";
    /** The SQL state of a unique or primary key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "distinct users per ISO week", """
            CREATE TABLE IF NOT EXISTS usage_weekly_user (
                week_start DATE NOT NULL,
                username VARCHAR(1023) NOT NULL,
                PRIMARY KEY (week_start, username)
            );
            """));

    private static final String INSERT = "INSERT INTO usage_weekly_user (week_start, username) SELECT ?, ? "
            + "WHERE NOT EXISTS (SELECT 1 FROM usage_weekly_user WHERE week_start = ? AND username = ?)";

    private final SqlDatabase database;

    WeeklyStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** Records that these users were active in the week starting {@code monday}; ones recorded already are skipped. */
    void record(LocalDate monday, Collection<String> usernames) throws SQLException {
        if (usernames.isEmpty()) {
            return;
        }
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (String username : usernames) {
                    bind(ps, monday, username);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                // Another node sharing the database recorded one of them meanwhile: one by one.
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (String username : usernames) {
                        bind(ps, monday, username);
                        try {
                            ps.executeUpdate();
                        } catch (SQLException again) {
                            if (!isUniqueViolation(again)) {
                                throw again;
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }

    private static void bind(PreparedStatement ps, LocalDate monday, String username) throws SQLException {
        ps.setDate(1, Date.valueOf(monday));
        ps.setString(2, username);
        ps.setDate(3, Date.valueOf(monday));
        ps.setString(4, username);
    }

    /** The users recorded for one week (to know, after a restart, whom this week counted already). */
    Set<String> users(LocalDate monday) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT username FROM usage_weekly_user WHERE week_start = ?")) {
            ps.setDate(1, Date.valueOf(monday));
            Set<String> users = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
            return users;
        }
    }

    /** Distinct users of each week from {@code firstMonday} on that has any; by Monday. */
    Map<LocalDate, Long> counts(LocalDate firstMonday) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT week_start, COUNT(*) FROM usage_weekly_user "
                     + "WHERE week_start >= ? GROUP BY week_start")) {
            ps.setDate(1, Date.valueOf(firstMonday));
            Map<LocalDate, Long> counts = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getDate(1).toLocalDate(), rs.getLong(2));
                }
            }
            return counts;
        }
    }

    /** Deletes the weeks before {@code firstKeptMonday}; returns the rows deleted. */
    int forgetBefore(LocalDate firstKeptMonday) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM usage_weekly_user WHERE week_start < ?")) {
            ps.setDate(1, Date.valueOf(firstKeptMonday));
            return ps.executeUpdate();
        }
    }
}
