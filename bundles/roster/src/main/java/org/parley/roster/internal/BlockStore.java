package org.parley.roster.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.Jid;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy lists (XEP-0016) in the database, and block lists (XEP-0191) as a view of them: a block
 * is an item of the user's default privacy list that denies everything to and from one JID. One
 * model, so a block made with either protocol is seen by the other. Its own schema module.
 *
 * <p>Every call blocks: run it on the worker pool, and for one user one at a time (the caller's lock).
 */
final class BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
    static final String MODULE = "blocking";
    /** The list a first block creates and makes the default, when the user has no default list. */
    static final String BLOCK_LIST_NAME = "blocked";

    /** Portable SQL: the same scripts run on H2 and PostgreSQL. */
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "block lists", """
            CREATE TABLE IF NOT EXISTS blocked_jid (
                username VARCHAR(1023) NOT NULL,
                jid VARCHAR(3071) NOT NULL,
                PRIMARY KEY (username, jid)
            );
            """),
            // Version 1's block lists become default privacy lists named 'blocked', one deny-all jid item per
            // blocked JID: the model XEP-0191 describes beside XEP-0016, which both protocols now share.
            SchemaMigration.portable(2, "privacy lists; block lists become the default privacy list", """
            CREATE TABLE IF NOT EXISTS privacy_list (
                username VARCHAR(1023) NOT NULL,
                name VARCHAR(1023) NOT NULL,
                is_default BOOLEAN NOT NULL,
                PRIMARY KEY (username, name)
            );
            CREATE TABLE IF NOT EXISTS privacy_item (
                username VARCHAR(1023) NOT NULL,
                list_name VARCHAR(1023) NOT NULL,
                item_order BIGINT NOT NULL,
                item_type VARCHAR(12),
                item_value VARCHAR(3071),
                allowed BOOLEAN NOT NULL,
                kinds SMALLINT NOT NULL,
                PRIMARY KEY (username, list_name, item_order)
            );
            INSERT INTO privacy_list (username, name, is_default)
                SELECT DISTINCT username, 'blocked', TRUE FROM blocked_jid;
            INSERT INTO privacy_item (username, list_name, item_order, item_type, item_value, allowed, kinds)
                SELECT username, 'blocked', ROW_NUMBER() OVER (PARTITION BY username ORDER BY jid), 'jid', jid, FALSE, 0 FROM blocked_jid;
            DROP TABLE blocked_jid;
            """));

    private final SqlDatabase database;

    BlockStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    /** The user's block list: the block items of the default privacy list. */
    BlockList load(String username) throws SQLException {
        return loadLists(username).blockList();
    }

    PrivacyLists loadLists(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            return read(c, username);
        }
    }

    private static PrivacyLists read(Connection c, String username) throws SQLException {
        Map<String, List<PrivacyItem>> items = new LinkedHashMap<>();
        String defaultName = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, is_default FROM privacy_list WHERE username = ? ORDER BY name")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.put(rs.getString(1), new ArrayList<>());
                    if (rs.getBoolean(2)) {
                        defaultName = rs.getString(1);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT list_name, item_order, item_type, item_value, allowed, kinds "
                + "FROM privacy_item WHERE username = ? ORDER BY list_name, item_order")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<PrivacyItem> list = items.get(rs.getString(1));
                    String typeName = rs.getString(3);
                    PrivacyItem.Type type = typeOf(typeName);
                    String value = rs.getString(4);
                    if (list == null || (typeName != null && type == null) || (type != null && value == null)
                            || (type == PrivacyItem.Type.JID && JidCreate.fromOrNull(value) == null)) {
                        LOG.error("A privacy item of {} in the database is ignored: list '{}', value '{}'", username, rs.getString(1), value);
                        continue;
                    }
                    list.add(PrivacyItem.of(type, value, rs.getBoolean(5), rs.getLong(2), rs.getInt(6)));
                }
            }
        }
        Map<String, PrivacyList> lists = new LinkedHashMap<>();
        items.forEach((name, list) -> lists.put(name, new PrivacyList(name, list)));
        return new PrivacyLists(lists, defaultName);
    }

    /** The stored type ('jid', 'group', 'subscription', as in the XML), null for fall-through or one this version does not know. */
    private static PrivacyItem.Type typeOf(String stored) {
        for (PrivacyItem.Type t : PrivacyItem.Type.values()) {
            if (t.xmlName().equals(stored)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Blocks and unblocks (XEP-0191) in one transaction, as edits of the default list (created as
     * {@value #BLOCK_LIST_NAME} when there is none and something is blocked).
     *
     * @return the lists after the change
     */
    PrivacyLists change(String username, Collection<Jid> added, Collection<Jid> removed, boolean removeAll) throws SQLException {
        return inTransaction(c -> {
            PrivacyLists before = read(c, username);
            PrivacyLists after = Blocks.apply(before, added, removed, removeAll);
            PrivacyList list = after.defaultList();
            if (list != null && !list.equals(before.defaultList())) {
                writeList(c, username, list);
                writeDefault(c, username, list.name());
            }
            return after;
        });
    }

    /** Creates or replaces one list. */
    void put(String username, PrivacyList list) throws SQLException {
        inTransaction(c -> {
            writeList(c, username, list);
            return null;
        });
    }

    void remove(String username, String name) throws SQLException {
        inTransaction(c -> {
            delete(c, "DELETE FROM privacy_item WHERE username = ? AND list_name = ?", username, name);
            delete(c, "DELETE FROM privacy_list WHERE username = ? AND name = ?", username, name);
            return null;
        });
    }

    /** Makes a list the default, or none for null. */
    void setDefault(String username, String name) throws SQLException {
        inTransaction(c -> {
            writeDefault(c, username, name);
            return null;
        });
    }

    /** The account was deleted: every list goes. */
    void forget(String username) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM privacy_item WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM privacy_list WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void writeList(Connection c, String username, PrivacyList list) throws SQLException {
        delete(c, "DELETE FROM privacy_item WHERE username = ? AND list_name = ?", username, list.name());
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM privacy_list WHERE username = ? AND name = ?")) {
            ps.setString(1, username);
            ps.setString(2, list.name());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        if (!exists) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO privacy_list (username, name, is_default) VALUES (?, ?, FALSE)")) {
                ps.setString(1, username);
                ps.setString(2, list.name());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO privacy_item "
                + "(username, list_name, item_order, item_type, item_value, allowed, kinds) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (PrivacyItem item : list.items()) {
                ps.setString(1, username);
                ps.setString(2, list.name());
                ps.setLong(3, item.order());
                ps.setString(4, item.type() == null ? null : item.type().xmlName());
                ps.setString(5, item.value());
                ps.setBoolean(6, item.allow());
                ps.setInt(7, item.kinds());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeDefault(Connection c, String username, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE privacy_list SET is_default = (name = ?) WHERE username = ?")) {
            ps.setString(1, name == null ? "" : name);
            ps.setString(2, username);
            ps.executeUpdate();
        }
        if (name == null) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE privacy_list SET is_default = FALSE WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
        }
    }

    private static void delete(Connection c, String sql, String username, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, username);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
