package org.parley.serviceadmin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.auth.UserException;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

class AdminsAndMotdTest {
    private final TestSqlDatabase database = TestSqlDatabase.h2InMemory();

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void adminsAreBareJidsOrNamesOfTheServedDomain() {
        Admins admins = Admins.parse("admin, carol@example.org\n dave@other.example", "example.org");
        assertTrue(admins.contains(JidCreate.entityBareFromOrThrowUnchecked("admin@example.org")));
        assertTrue(admins.contains(JidCreate.entityBareFromOrThrowUnchecked("Carol@Example.org")), "compared as prepared JIDs");
        assertTrue(admins.contains(JidCreate.entityBareFromOrThrowUnchecked("dave@other.example")));
        assertFalse(admins.contains(JidCreate.entityBareFromOrThrowUnchecked("admin@other.example")));
        assertFalse(admins.contains(null));
        assertEquals(Admins.NONE, Admins.parse("  ", "example.org"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Admins.parse("admin, a@b/c", "example.org"));
        assertEquals("key 'admins': 'a@b/c' is not the bare JID of an account", e.getMessage());
    }

    @Test
    void theMessageOfTheDayIsKeptAcrossARestartAndDeleted() throws Exception {
        MessageOfTheDay motd = new MessageOfTheDay(database);
        motd.load();
        assertNull(motd.current());
        motd.set("line one\nline two");
        motd.set("replaced");
        MessageOfTheDay restarted = new MessageOfTheDay(database);
        restarted.load();
        assertEquals("replaced", restarted.current());
        assertEquals(1, database.count("SELECT COUNT(*) FROM serviceadmin_motd"));
        assertTrue(restarted.delete());
        assertNull(restarted.current());
        assertFalse(restarted.delete(), "nothing left to delete");
        assertThrows(IllegalArgumentException.class, () -> motd.set(" "));
        assertThrows(IllegalArgumentException.class, () -> motd.set("x".repeat(MessageOfTheDay.MAX_LENGTH + 1)));
    }

    private static final WorkerPool CALLER_RUNS = new WorkerPool() {
        @Override
        public <T> java.util.concurrent.CompletionStage<T> submit(java.util.concurrent.Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    private static AdHocStage run(AdminCommand c) throws Exception {
        AdHocRequest submitted = new AdHocRequest(JidCreate.entityFullFromOrThrowUnchecked("admin@example.org/x"),
                Forms.form("t", null).build(), Map.of());
        return c.execute(submitted).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void whatAnActionThrowsBecomesTheRightError() throws Exception {
        Admins admins = Admins.parse("admin", "example.org");
        AdminCommand unknown = new AdminCommand("x", "X", null, r -> {
            throw new UserException("no such user: bob@example.org");
        }, () -> admins, CALLER_RUNS);
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, run(unknown).error());
        AdminCommand exists = new AdminCommand("x", "X", null, r -> {
            throw new UserException("user bob@example.org already exists");
        }, () -> admins, CALLER_RUNS);
        assertEquals(StanzaErrorCondition.CONFLICT, run(exists).error());
        AdminCommand bad = new AdminCommand("x", "X", null, r -> {
            throw new IllegalArgumentException("the announcement is empty");
        }, () -> admins, CALLER_RUNS);
        assertTrue(run(bad).badPayload());
        AdminCommand broken = new AdminCommand("x", "X", null, r -> {
            throw new IllegalStateException("bug");
        }, () -> admins, CALLER_RUNS);
        assertEquals(StanzaErrorCondition.INTERNAL_SERVER_ERROR, run(broken).error());
        AdminCommand busy = new AdminCommand("x", "X", null, r -> AdHocStage.completed("done"), () -> admins, new WorkerPool() {
            @Override
            public <T> java.util.concurrent.CompletionStage<T> submit(java.util.concurrent.Callable<T> work) {
                return CompletableFuture.failedFuture(new WorkRejectedException("full"));
            }
        });
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, run(busy).error());
        assertTrue(unknown.allows(JidCreate.entityBareFromOrThrowUnchecked("admin@example.org")));
        assertFalse(unknown.allows(JidCreate.entityBareFromOrThrowUnchecked("eve@example.org")));
        assertEquals("http://jabber.org/protocol/admin#x", unknown.node());
    }
}
