package org.parley.roster.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * Rosters in the server's SQL database (H2 or PostgreSQL): one row per (user, contact), its
 * groups, and a version per user. Every call blocks: run it on the worker pool, and for one user
 * one at a time (the caller's lock), so a read-modify-write sees no other writer.
 */
final class RosterStore {
    static final String MODULE = "roster";

    /** Portable SQL: the same script creates the tables on H2 and PostgreSQL. */
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "rosters, subscriptions, versions", """
            CREATE TABLE IF NOT EXISTS roster_item (
                username VARCHAR(1023) NOT NULL,
                contact VARCHAR(3071) NOT NULL,
                name VARCHAR(1023),
                subscription SMALLINT NOT NULL,
                ask_out BOOLEAN NOT NULL,
                pending_in BOOLEAN NOT NULL,
                request_status VARCHAR(1023),
                approved BOOLEAN NOT NULL,
                in_roster BOOLEAN NOT NULL,
                item_ver BIGINT NOT NULL,
                PRIMARY KEY (username, contact)
            );
            CREATE TABLE IF NOT EXISTS roster_group (
                username VARCHAR(1023) NOT NULL,
                contact VARCHAR(3071) NOT NULL,
                seq INTEGER NOT NULL,
                group_name VARCHAR(1023) NOT NULL,
                PRIMARY KEY (username, contact, seq)
            );
            CREATE TABLE IF NOT EXISTS roster_version (
                username VARCHAR(1023) NOT NULL PRIMARY KEY,
                ver BIGINT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS roster_removed (
                username VARCHAR(1023) NOT NULL,
                contact VARCHAR(3071) NOT NULL,
                ver BIGINT NOT NULL,
                PRIMARY KEY (username, contact)
            );
            """));

    /**
     * What changed in a roster since a version the client holds (XEP-0237 section 5): the items
     * the user sees that changed after it and the ones removed after it, each with the version of
     * its change, in version order.
     */
    record Delta(List<Map.Entry<String, Long>> changed, List<Map.Entry<String, Long>> removed) {
    }

    private final SqlDatabase database;

    RosterStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** The database, for the block lists kept beside the rosters. */
    SqlDatabase database() {
        return database;
    }

    Roster load(String username) {
        try (Connection c = database.dataSource().getConnection()) {
            long version = version(c, username);
            Map<String, List<String>> groups = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT contact, group_name FROM roster_group WHERE username = ? ORDER BY contact, seq")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        groups.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            Map<String, RosterItem> items = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT contact, name, subscription, ask_out, pending_in, request_status, "
                    + "approved, in_roster FROM roster_item WHERE username = ? ORDER BY contact")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String contact = rs.getString(1);
                        items.put(contact, new RosterItem(contact, rs.getString(2), groups.getOrDefault(contact, List.of()),
                                Subscription.ofCode(rs.getInt(3)), rs.getBoolean(4), rs.getBoolean(5), rs.getString(6),
                                rs.getBoolean(7), rs.getBoolean(8)));
                    }
                }
            }
            // Immutable, so the users with no roster at all (most of a large server's) share one
            // instead of a cache entry of their own each.
            return version == Roster.EMPTY.version() && items.isEmpty() ? Roster.EMPTY : new Roster(version, items);
        } catch (SQLException e) {
            throw new StorageException("cannot read the roster of " + username + ": " + e.getMessage(), e);
        }
    }

    /** One item to store (or remove, for null) for a user; {@code wasVisible}: the user saw it before. */
    record Write(String username, String contact, RosterItem item, boolean wasVisible) {
    }

    /**
     * Stores one item (or removes it, for null) and advances the user's roster version, in one
     * transaction: a failure changes nothing.
     *
     * @return the new roster version
     */
    long write(String username, String contact, RosterItem item, boolean wasVisible) {
        return writeAll(List.of(new Write(username, contact, item, wasVisible)))[0];
    }

    /**
     * Stores several items, each advancing its user's roster version, in one transaction: both
     * sides of a subscription between two local users are stored together or not at all.
     *
     * @return each write's new roster version, in order
     */
    long[] writeAll(List<Write> writes) {
        try (Connection c = database.dataSource().getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                long[] versions = new long[writes.size()];
                for (int i = 0; i < versions.length; i++) {
                    Write w = writes.get(i);
                    versions[i] = write(c, w.username(), w.contact(), w.item(), w.wasVisible());
                }
                c.commit();
                return versions;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            Write w = writes.get(0);
            throw new StorageException("cannot store the roster item " + w.contact() + " of " + w.username()
                    + (writes.size() > 1 ? " and " + (writes.size() - 1) + " more" : "") + ": " + e.getMessage(), e);
        }
    }

    private static long write(Connection c, String username, String contact, RosterItem item, boolean wasVisible) throws SQLException {
        long version = version(c, username) + 1;
        setVersion(c, username, version);
        delete(c, "DELETE FROM roster_group WHERE username = ? AND contact = ?", username, contact);
        boolean visible = item != null && item.inRoster();
        if (visible) {
            delete(c, "DELETE FROM roster_removed WHERE username = ? AND contact = ?", username, contact);
        } else if (wasVisible) {
            // Remembered so that a client holding an older version learns of the removal.
            delete(c, "DELETE FROM roster_removed WHERE username = ? AND contact = ?", username, contact);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO roster_removed (username, contact, ver) VALUES (?, ?, ?)")) {
                ps.setString(1, username);
                ps.setString(2, contact);
                ps.setLong(3, version);
                ps.executeUpdate();
            }
        }
        if (item == null) {
            delete(c, "DELETE FROM roster_item WHERE username = ? AND contact = ?", username, contact);
        } else {
            upsert(c, username, item, version);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO roster_group (username, contact, seq, group_name) VALUES (?, ?, ?, ?)")) {
                int position = 0;
                for (String group : item.groups()) {
                    ps.setString(1, username);
                    ps.setString(2, contact);
                    ps.setInt(3, position++);
                    ps.setString(4, group);
                    ps.addBatch();
                }
                if (position > 0) {
                    ps.executeBatch();
                }
            }
        }
        return version;
    }

    Delta since(String username, long version) {
        try (Connection c = database.dataSource().getConnection()) {
            return new Delta(
                    versions(c, "SELECT contact, item_ver FROM roster_item WHERE username = ? AND in_roster = TRUE AND item_ver > ? "
                            + "ORDER BY item_ver", username, version),
                    versions(c, "SELECT contact, ver FROM roster_removed WHERE username = ? AND ver > ? ORDER BY ver", username, version));
        } catch (SQLException e) {
            throw new StorageException("cannot read the roster changes of " + username + ": " + e.getMessage(), e);
        }
    }

    private static List<Map.Entry<String, Long>> versions(Connection c, String sql, String username, long version) throws SQLException {
        List<Map.Entry<String, Long>> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, username);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(Map.entry(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return result;
    }

    private static long version(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ver FROM roster_version WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void setVersion(Connection c, String username, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE roster_version SET ver = ? WHERE username = ?")) {
            ps.setLong(1, version);
            ps.setString(2, username);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO roster_version (username, ver) VALUES (?, ?)")) {
            ps.setString(1, username);
            ps.setLong(2, version);
            ps.executeUpdate();
        }
    }

    private static void upsert(Connection c, String username, RosterItem item, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE roster_item SET name = ?, subscription = ?, ask_out = ?, "
                + "pending_in = ?, request_status = ?, approved = ?, in_roster = ?, item_ver = ? WHERE username = ? AND contact = ?")) {
            int i = fill(ps, item, version);
            ps.setString(i++, username);
            ps.setString(i, item.contact());
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO roster_item (name, subscription, ask_out, pending_in, "
                + "request_status, approved, in_roster, item_ver, username, contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = fill(ps, item, version);
            ps.setString(i++, username);
            ps.setString(i, item.contact());
            ps.executeUpdate();
        }
    }

    private static int fill(PreparedStatement ps, RosterItem item, long version) throws SQLException {
        ps.setString(1, item.name());
        ps.setInt(2, item.subscription().code());
        ps.setBoolean(3, item.askOut());
        ps.setBoolean(4, item.pendingIn());
        ps.setString(5, item.request());
        ps.setBoolean(6, item.approved());
        ps.setBoolean(7, item.inRoster());
        ps.setLong(8, version);
        return 9;
    }

    /** The users who have an item (in their roster or not) for this contact. */
    List<String> ownersOf(String contact) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT username FROM roster_item WHERE contact = ?")) {
            ps.setString(1, contact);
            List<String> owners = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
            return owners;
        }
    }

    /** Forgets a user's whole roster, its version and its removals, in one transaction. */
    void deleteAll(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String table : List.of("roster_group", "roster_item", "roster_removed", "roster_version")) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE username = ?")) {
                        ps.setString(1, username);
                        ps.executeUpdate();
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

    private static void delete(Connection c, String sql, String username, String contact) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, username);
            ps.setString(2, contact);
            ps.executeUpdate();
        }
    }
}
