package org.parley.muc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.server.WorkerPool;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent rooms in the server's database (H2 or PostgreSQL, the same SQL). Each save replaces
 * the room's row and its affiliations in one transaction, on the shared worker pool; saves are
 * chained so they reach the database in the order the rooms changed.
 */
final class JdbcRoomStore implements RoomStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcRoomStore.class);
    static final String MODULE = "muc";
    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "persistent rooms and affiliations", """
            CREATE TABLE IF NOT EXISTS muc_room (
                room VARCHAR(1023) NOT NULL PRIMARY KEY,
                name VARCHAR(1023) NOT NULL,
                description VARCHAR(4000) NOT NULL,
                public_room BOOLEAN NOT NULL,
                members_only BOOLEAN NOT NULL,
                moderated BOOLEAN NOT NULL,
                password VARCHAR(1023) NOT NULL,
                non_anonymous BOOLEAN NOT NULL,
                max_users INTEGER NOT NULL,
                history_length INTEGER NOT NULL,
                change_subject BOOLEAN NOT NULL
            );
            CREATE TABLE IF NOT EXISTS muc_affiliation (
                room VARCHAR(1023) NOT NULL,
                jid VARCHAR(2047) NOT NULL,
                affiliation VARCHAR(16) NOT NULL,
                PRIMARY KEY (room, jid)
            );
            """), SchemaMigration.portable(2, "the secret of a room's occupant ids (XEP-0421)", """
            ALTER TABLE muc_room ADD COLUMN IF NOT EXISTS id_secret VARCHAR(64);
            """));

    private final SqlDatabase database;
    private final WorkerPool workers;
    /** The last write: the next one starts when it is done, whatever its outcome. */
    private CompletionStage<Void> tail = CompletableFuture.completedFuture(null);

    JdbcRoomStore(SqlDatabase database, WorkerPool workers) {
        this.database = database;
        this.workers = workers;
    }

    @Override
    public synchronized CompletionStage<Void> save(StoredRoom room) {
        return chain(() -> {
            try (Connection c = database.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    delete(c, room.jid());
                    RoomConfig k = room.config();
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO muc_room (room, name, description, public_room, "
                            + "members_only, moderated, password, non_anonymous, max_users, history_length, change_subject, id_secret) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, room.jid().toString());
                        ps.setString(2, k.name());
                        ps.setString(3, k.description());
                        ps.setBoolean(4, k.publicRoom());
                        ps.setBoolean(5, k.membersOnly());
                        ps.setBoolean(6, k.moderated());
                        ps.setString(7, k.password());
                        ps.setBoolean(8, k.nonAnonymous());
                        ps.setInt(9, k.maxUsers());
                        ps.setInt(10, k.historyLength());
                        ps.setBoolean(11, k.changeSubject());
                        ps.setString(12, room.idSecret());
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO muc_affiliation (room, jid, affiliation) VALUES (?, ?, ?)")) {
                        for (Map.Entry<BareJid, Affiliation> a : room.affiliations().entrySet()) {
                            ps.setString(1, room.jid().toString());
                            ps.setString(2, a.getKey().toString());
                            ps.setString(3, a.getValue().xmlName());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public synchronized CompletionStage<Void> delete(EntityBareJid room) {
        return chain(() -> {
            try (Connection c = database.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    delete(c, room);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            return null;
        });
    }

    private static void delete(Connection c, EntityBareJid room) throws SQLException {
        for (String table : List.of("muc_affiliation", "muc_room")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE room = ?")) {
                ps.setString(1, room.toString());
                ps.executeUpdate();
            }
        }
    }

    private CompletionStage<Void> chain(java.util.concurrent.Callable<Void> write) {
        CompletionStage<Void> next = tail.handle((v, e) -> null).thenCompose(v -> workers.submit(write));
        next.whenComplete((v, e) -> {
            if (e != null) {
                LOG.error("A change to a persistent room could not be stored", e);
            }
        });
        tail = next;
        return next;
    }

    /** Every persistent room; blocks (called in activation). A row that no longer parses is logged and skipped. */
    List<StoredRoom> loadAll() {
        Map<String, RoomConfig> configs = new LinkedHashMap<>();
        Map<String, String> secrets = new HashMap<>();
        Map<String, Map<BareJid, Affiliation>> affiliations = new HashMap<>();
        try (Connection c = database.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT room, name, description, public_room, members_only, moderated, "
                    + "password, non_anonymous, max_users, history_length, change_subject, id_secret FROM muc_room ORDER BY room");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    configs.put(rs.getString(1), new RoomConfig(rs.getString(2), rs.getString(3), true, rs.getBoolean(4),
                            rs.getBoolean(5), rs.getBoolean(6), rs.getString(7), rs.getBoolean(8), rs.getInt(9), rs.getInt(10),
                            rs.getBoolean(11)));
                    secrets.put(rs.getString(1), rs.getString(12));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT room, jid, affiliation FROM muc_affiliation");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Affiliation a = Affiliation.fromXmlName(rs.getString(3));
                    try {
                        if (a != null) {
                            affiliations.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(JidCreate.bareFrom(rs.getString(2)), a);
                        }
                    } catch (XmppStringprepException e) {
                        LOG.warn("Skipped the stored affiliation of '{}' in {}: not a JID", rs.getString(2), rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("could not read the persistent rooms: " + e.getMessage(), e);
        }
        List<StoredRoom> rooms = new ArrayList<>();
        for (Map.Entry<String, RoomConfig> e : configs.entrySet()) {
            try {
                rooms.add(new StoredRoom(JidCreate.entityBareFrom(e.getKey()), e.getValue(),
                        affiliations.getOrDefault(e.getKey(), Map.of()), secrets.get(e.getKey())));
            } catch (XmppStringprepException ex) {
                LOG.warn("Skipped the stored room '{}': not a room JID", e.getKey());
            }
        }
        return rooms;
    }
}
