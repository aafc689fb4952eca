package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Set;
import org.parley.api.stanza.Element;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * Block lists and privacy lists in the database: kept per user, changed in one transaction, forgotten at
 * once, and version 1's block lists migrated into default privacy lists. {@link PostgresBlockStoreTest}
 * runs it on PostgreSQL.
 */
class BlockStoreTest {
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.h2InMemory();
    }

    private static Jid jid(String s) {
        return JidCreate.fromOrThrowUnchecked(s);
    }

    @Test
    void blockUnblockAndForget() throws Exception {
        TestSqlDatabase database = newDatabase();
        try {
            BlockStore store = new BlockStore(database);
            store.migrate();
            store.migrate(); // a second start migrates nothing
            store.change("alice", List.of(jid("spam.example"), jid("romeo@montague.net/orchard")), List.of(), false);
            store.change("bob", List.of(jid("alice@example.org")), List.of(), false);
            BlockList alice = store.load("alice");
            assertEquals(2, alice.size());
            assertTrue(alice.blocks(jid("anyone@spam.example/x")));
            assertTrue(alice.blocks(jid("romeo@montague.net/orchard")));
            assertFalse(alice.blocks(jid("romeo@montague.net/balcony")));

            store.change("alice", List.of(jid("mallory@example.org")), List.of(jid("spam.example")), false);
            assertEquals(2, store.load("alice").size());
            assertFalse(store.load("alice").blocks(jid("anyone@spam.example")));

            store.change("alice", List.of(), List.of(), true);
            assertEquals(0, store.load("alice").size());
            assertEquals(1, store.load("bob").size(), "another user's list is untouched");
        } finally {
            database.close();
        }
    }

    @Test
    void version1BlockListsBecomeDefaultPrivacyListsThatBothProtocolsRead() throws Exception {
        TestSqlDatabase database = newDatabase();
        try {
            database.migrate(BlockStore.MODULE, List.of(BlockStore.MIGRATIONS.get(0)));
            try (Connection c = database.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO blocked_jid (username, jid) VALUES (?, ?)")) {
                for (String[] row : new String[][] {{"alice", "romeo@montague.net"}, {"alice", "spam.example"}, {"bob", "alice@example.org"}}) {
                    ps.setString(1, row[0]);
                    ps.setString(2, row[1]);
                    ps.executeUpdate();
                }
            }
            BlockStore store = new BlockStore(database);
            store.migrate();
            PrivacyLists alice = store.loadLists("alice");
            assertEquals(BlockStore.BLOCK_LIST_NAME, alice.defaultName());
            assertEquals(Set.of(jid("romeo@montague.net"), jid("spam.example")), alice.blockList().items());
            assertEquals(2, alice.defaultList().items().size());
            assertTrue(alice.defaultList().denies(jid("anyone@spam.example/x"), PrivacyItem.IQ, null));
            assertEquals(Set.of(jid("alice@example.org")), store.load("bob").items());
            assertEquals(PrivacyLists.NONE, store.loadLists("carol"));
        } finally {
            database.close();
        }
    }

    @Test
    void privacyListsAreStoredWholeAndTheDefaultIsOne() throws Exception {
        TestSqlDatabase database = newDatabase();
        try {
            BlockStore store = new BlockStore(database);
            store.migrate();
            PrivacyList pub = Privacy.parse("public", Element.builder("list", Privacy.NAMESPACE)
                    .child(Element.builder("item", Privacy.NAMESPACE).attribute("type", "group").attribute("value", "Enemies")
                            .attribute("action", "deny").attribute("order", "4294967295")
                            .child(Element.empty("message", Privacy.NAMESPACE)).child(Element.empty("presence-out", Privacy.NAMESPACE)).build())
                    .child(Element.builder("item", Privacy.NAMESPACE).attribute("action", "allow").attribute("order", "0").build())
                    .build(), Privacy.ListLimits.DEFAULTS);
            store.put("alice", pub);
            store.put("alice", new PrivacyList("other", List.of()));
            store.setDefault("alice", "public");
            PrivacyLists read = store.loadLists("alice");
            assertEquals(pub, read.list("public"));
            assertEquals("public", read.defaultName());
            store.setDefault("alice", "other");
            assertEquals("other", store.loadLists("alice").defaultName());
            store.setDefault("alice", null);
            assertEquals(null, store.loadLists("alice").defaultName());
            store.remove("alice", "public");
            assertEquals(Set.of("other"), store.loadLists("alice").lists().keySet());
            // A block with no default list makes one; the other list stays as it was.
            store.change("alice", List.of(jid("mallory@example.org")), List.of(), false);
            assertEquals(BlockStore.BLOCK_LIST_NAME, store.loadLists("alice").defaultName());
            assertTrue(store.loadLists("alice").list("other").items().isEmpty());
            store.forget("alice");
            assertEquals(PrivacyLists.NONE, store.loadLists("alice"));
        } finally {
            database.close();
        }
    }
}
