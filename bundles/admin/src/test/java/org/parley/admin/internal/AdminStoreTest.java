package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

class AdminStoreTest {
    private final MutableClock clock = new MutableClock();
    private final TestSqlDatabase database = TestSqlDatabase.h2InMemory();
    private final AdminStore store = new AdminStore(database, clock);

    @Test
    void aTokenIsStoredOnlyAsItsHashAndFoundByItsSecret() throws Exception {
        AdminStore.NewToken created = store.createToken("admin", "ci");

        assertTrue(created.secret().startsWith(AdminStore.TOKEN_PREFIX));
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT token_hash FROM admin_api_tokens")) {
            assertTrue(rs.next());
            assertEquals(AdminStore.hash(created.secret()), rs.getString(1));
            assertFalse(rs.getString(1).contains(created.secret().substring(AdminStore.TOKEN_PREFIX.length())));
        }
        clock.advance(Duration.ofMinutes(1));
        AdminStore.TokenCheck check = store.checkToken(created.secret()).orElseThrow();
        assertEquals("admin", check.token().admin());
        assertFalse(check.revoked());
        assertEquals(clock.instant(), store.tokens("admin").get(0).lastUsedAt());
        assertTrue(store.checkToken(created.secret() + "x").isEmpty());
        assertTrue(store.checkToken("not-a-token").isEmpty());
    }

    @Test
    void aRevokedTokenIsKnownAsRevokedAndOnlyItsOwnerRevokesIt() {
        AdminStore.NewToken created = store.createToken("admin", "ci");

        assertFalse(store.revokeToken("other", created.token().id()), "another admin's token");
        assertFalse(store.checkToken(created.secret()).orElseThrow().revoked());
        assertTrue(store.revokeToken("admin", created.token().id()));
        assertTrue(store.checkToken(created.secret()).orElseThrow().revoked());
        assertNotNull(store.tokens("admin").get(0).revokedAt());
        assertFalse(store.revokeToken("admin", "no-such-id"));
    }

    @Test
    void theAuditLogListsNewestFirstAndPagesBackwards() {
        for (int i = 0; i < 5; i++) {
            store.audit("admin", "127.0.0.1", "POST", "/api/users/u" + i, "ok", null);
            clock.advance(Duration.ofSeconds(1));
        }
        List<AdminStore.AuditEntry> newest = store.auditLog(0, 2);
        assertEquals(List.of("/api/users/u4", "/api/users/u3"), newest.stream().map(AdminStore.AuditEntry::target).toList());
        List<AdminStore.AuditEntry> older = store.auditLog(newest.get(1).id(), 10);
        assertEquals(List.of("/api/users/u2", "/api/users/u1", "/api/users/u0"), older.stream().map(AdminStore.AuditEntry::target).toList());
        assertEquals("127.0.0.1", older.get(0).address());
        assertNull(older.get(0).detail());
    }

    @Test
    void migratingAgainChangesNothing() {
        store.createToken("admin", "ci");
        AdminStore again = new AdminStore(database, clock);
        assertEquals(1, again.tokens("admin").size());
    }
}
