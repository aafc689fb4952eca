package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.server.TestWorkers;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** Persistent rooms in a real embedded H2 database, as the server opens it (and, by the subclass, on PostgreSQL). */
class JdbcRoomStoreTest {
    @TempDir
    Path directory;
    private TestSqlDatabase database;
    private final TestWorkers workers = new TestWorkers();

    TestSqlDatabase newDatabase() throws Exception {
        return TestSqlDatabase.h2(directory);
    }

    @BeforeEach
    void open() throws Exception {
        database = newDatabase();
    }

    @AfterEach
    void close() throws Exception {
        workers.close();
        database.shutdown();
    }

    private JdbcRoomStore store() {
        database.migrate(JdbcRoomStore.MODULE, JdbcRoomStore.MIGRATIONS);
        return new JdbcRoomStore(database, workers);
    }

    @Test
    void registeredNicknamesComeBackWithTheAffiliations() throws Exception {
        JdbcRoomStore store = store();
        var jid = JidCreate.entityBareFrom("nicks@conference.example.org");
        RoomConfig config = new RoomConfig("", "", true, true, false, false, "", false, 0, 20, false);
        org.jxmpp.jid.BareJid bob = JidCreate.bareFrom("bob@example.org");
        org.jxmpp.jid.BareJid alice = JidCreate.bareFrom("alice@example.org");
        store.save(new RoomStore.StoredRoom(jid, config, Map.of(alice, Affiliation.OWNER, bob, Affiliation.MEMBER), null, List.of(), null,
                Map.of(bob, "Bobby"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        database.shutdown();
        database = database.reopened();
        RoomStore.StoredRoom loaded = store().loadAll().get(0);
        assertEquals(Map.of(bob, "Bobby"), loaded.nicks());
        assertEquals(Affiliation.MEMBER, loaded.affiliations().get(bob));
    }

    @Test
    void aSavedRoomComesBackWithItsConfigurationAndAffiliations() throws Exception {
        JdbcRoomStore store = store();
        RoomConfig config = new RoomConfig("Staff room", "For the staff", true, false, true, true, "s3cret", true, 30, 50, true);
        var jid = JidCreate.entityBareFrom("staff@conference.example.org");
        Map<org.jxmpp.jid.BareJid, Affiliation> affiliations = Map.of(JidCreate.bareFrom("alice@example.org"), Affiliation.OWNER,
                JidCreate.bareFrom("bob@example.org"), Affiliation.MEMBER, JidCreate.bareFrom("mallory@example.org"), Affiliation.OUTCAST);
        store.save(new RoomStore.StoredRoom(jid, config, affiliations, "c2VjcmV0")).toCompletableFuture().get(10, TimeUnit.SECONDS);

        database.shutdown();
        database = database.reopened();
        List<RoomStore.StoredRoom> loaded = store().loadAll();
        assertEquals(1, loaded.size());
        assertEquals(config, loaded.get(0).config());
        assertEquals(affiliations, loaded.get(0).affiliations());
        assertEquals("c2VjcmV0", loaded.get(0).idSecret());
    }

    @Test
    void aRoomsSubjectAndItsNewestHistoryComeBack() throws Exception {
        JdbcRoomStore store = store();
        var jid = JidCreate.entityBareFrom("talk@conference.example.org");
        RoomConfig config = new RoomConfig("", "", true, true, false, false, "", false, 0, 3, false);
        org.parley.api.stanza.Element subject = org.parley.api.stanza.Element.builder("message", org.parley.api.stanza.Namespaces.CLIENT)
                .attribute("from", jid + "/Alice").attribute("type", "groupchat").textChild("subject", "Tea & <cake>").build();
        store.save(new RoomStore.StoredRoom(jid, config, Map.of(), null, List.of(), subject)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            org.parley.api.stanza.Element m = org.parley.api.stanza.Element.builder("message", org.parley.api.stanza.Namespaces.CLIENT)
                    .attribute("from", jid + "/Bob").attribute("type", "groupchat").attribute("id", "m" + i).textChild("body", "message " + i).build();
            store.appendHistory(jid, new History.Entry(m, java.time.Instant.ofEpochMilli(1_000L * i), 50 + i), 3);
        }
        store.delete(JidCreate.entityBareFrom("other@conference.example.org")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        database.shutdown();
        database = database.reopened();
        RoomStore.StoredRoom loaded = store().loadAll().get(0);
        assertEquals(subject, loaded.subject());
        assertEquals(List.of("message 2", "message 3", "message 4"), loaded.history().stream().map(e -> e.message().childText("body")).toList(),
                "the newest, as many as the room keeps, oldest first");
        assertEquals(java.time.Instant.ofEpochMilli(4_000), loaded.history().get(2).at());
        assertEquals(54, loaded.history().get(2).chars());
    }

    @Test
    void savesApplyInOrderAndADeleteForgetsTheRoom() throws Exception {
        JdbcRoomStore store = store();
        var jid = JidCreate.entityBareFrom("a@conference.example.org");
        RoomConfig base = new RoomConfig("", "", true, true, false, false, "", false, 0, 20, false);
        for (int i = 0; i < 20; i++) {
            store.save(new RoomStore.StoredRoom(jid, new RoomConfig("v" + i, "", true, true, false, false, "", false, 0, 20, false), Map.of(), null));
        }
        store.save(new RoomStore.StoredRoom(JidCreate.entityBareFrom("b@conference.example.org"), base, Map.of(), null))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<RoomStore.StoredRoom> loaded = store.loadAll();
        assertEquals("v19", loaded.get(0).config().name(), "the last save wins");
        store.delete(jid).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("b@conference.example.org"), store.loadAll().stream().map(r -> r.jid().toString()).toList());
        assertEquals(0, database.count("SELECT COUNT(*) FROM muc_affiliation WHERE room = 'a@conference.example.org'"));
        assertTrue(store.loadAll().get(0).config().persistent());
    }
}
