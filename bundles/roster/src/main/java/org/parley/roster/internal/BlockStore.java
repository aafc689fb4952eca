package org.parley.roster.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Block lists (XEP-0191) in the database: one row per blocked JID, its own schema module. */
final class BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
    static final String MODULE = "blocking";

    /** Portable SQL: the same script creates the table on H2 and PostgreSQL. */
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "block lists", """
            CREATE TABLE IF NOT EXISTS blocked_jid (
                username VARCHAR(1023) NOT NULL,
                jid VARCHAR(3071) NOT NULL,
                PRIMARY KEY (username, jid)
            );
            """));

    private final SqlDatabase database;

    BlockStore(SqlDatabase database) {
        this.database = database;
    }

    void migrate() {
        database.migrate(MODULE, MIGRATIONS);
    }

    BlockList load(String username) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT jid FROM blocked_jid WHERE username = ?")) {
            ps.setString(1, username);
            Set<Jid> items = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Jid jid = JidCreate.fromOrNull(rs.getString(1));
                    if (jid == null) {
                        LOG.error("A blocked JID of {} in the database is not a JID and is ignored: '{}'", username, rs.getString(1));
                    } else {
                        items.add(jid);
                    }
                }
            }
            return new BlockList(items);
        }
    }

    /** Adds and removes in one transaction (an unblock of everything removes all). */
    void change(String username, Collection<Jid> added, Collection<Jid> removed, boolean removeAll) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                if (removeAll) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM blocked_jid WHERE username = ?")) {
                        ps.setString(1, username);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM blocked_jid WHERE username = ? AND jid = ?")) {
                    for (Jid jid : removed) {
                        ps.setString(1, username);
                        ps.setString(2, jid.toString());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO blocked_jid (username, jid) VALUES (?, ?)")) {
                    for (Jid jid : added) {
                        ps.setString(1, username);
                        ps.setString(2, jid.toString());
                        ps.addBatch();
                    }
                    ps.executeBatch();
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
}
