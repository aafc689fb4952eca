package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** Block lists in the database: kept per user, changed in one transaction, forgotten at once. {@link PostgresBlockStoreTest} runs it on PostgreSQL. */
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
}
