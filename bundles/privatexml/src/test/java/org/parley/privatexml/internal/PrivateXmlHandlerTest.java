package org.parley.privatexml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** Private XML storage on a real embedded H2 database; {@link PostgresPrivateXmlHandlerTest} runs the same on PostgreSQL. */
class PrivateXmlHandlerTest {
    private static final WorkerPool INLINE = new WorkerPool() {
        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    @TempDir
    Path data;
    private TestSqlDatabase database;
    private PrivateXmlHandler handler;

    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.h2(data);
    }

    @BeforeEach
    void setUp() {
        database = newDatabase();
        PrivateStore store = new PrivateStore(database);
        store.migrate();
        handler = new PrivateXmlHandler(store, INLINE);
    }

    @AfterEach
    void tearDown() throws Exception {
        database.shutdown();
    }

    private Stanza ask(String user, String type, Element... items) throws Exception {
        Element.Builder query = Element.builder("query", PrivateXmlHandler.NAMESPACE);
        for (Element item : items) {
            query.child(item);
        }
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", "q")
                .attribute("from", user + "@example.org/r").child(query.build()).build());
        return handler.handle(iq, new TestSession(user + "@example.org/r"))
                .toCompletableFuture().get();
    }

    @Test
    void storedDataComesBackWhole_replacedByTheNextStore_andIsOnlyTheOwners() throws Exception {
        Element bookmarks = Element.builder("storage", "storage:bookmarks")
                .child(Element.builder("conference", "storage:bookmarks").attribute("jid", "a@conference.example.org")
                        .attribute("autojoin", "true").textChild("nick", "al & co").build()).build();
        assertEquals("result", ask("alice", "set", bookmarks).type());
        Stanza got = ask("alice", "get", Element.empty("storage", "storage:bookmarks"));
        assertEquals(bookmarks, got.payload().firstElement(), "attributes, text and escapes survive the database");

        Element replaced = Element.builder("storage", "storage:bookmarks").build();
        ask("alice", "set", replaced);
        assertEquals(replaced, ask("alice", "get", Element.empty("storage", "storage:bookmarks")).payload().firstElement());
        assertTrue(ask("bob", "get", Element.empty("storage", "storage:bookmarks")).payload().firstElement().elements().isEmpty(),
                "bob's own storage is empty");
        assertEquals(1, database.count("SELECT COUNT(*) FROM private_xml"), "one row per user and namespace");
    }

    @Test
    void pastTheLimitsTheUserIsRefusedAndNothingIsStored() throws Exception {
        for (int i = 0; i < PrivateXmlHandler.MAX_NAMESPACES; i++) {
            assertEquals("result", ask("carol", "set", Element.empty("x", "urn:test:" + i)).type());
        }
        Stanza full = ask("carol", "set", Element.empty("x", "urn:test:one-more"));
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, full.errorCondition());
        assertEquals("result", ask("carol", "set", Element.empty("x", "urn:test:0")).type(), "replacing one is no new namespace");
        assertEquals(PrivateXmlHandler.MAX_NAMESPACES, database.count("SELECT COUNT(*) FROM private_xml WHERE username = 'carol'"));
    }

    @Test
    void aDeletedAccountsDataGoes() throws Exception {
        ask("dave", "set", Element.empty("x", "urn:test"));
        handler.deleted(JidCreate.entityBareFromOrThrowUnchecked("dave@example.org"));
        assertEquals(0, database.count("SELECT COUNT(*) FROM private_xml WHERE username = 'dave'"));
    }
}
