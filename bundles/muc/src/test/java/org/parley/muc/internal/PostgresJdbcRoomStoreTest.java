package org.parley.muc.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The room store's tests on a real PostgreSQL server (Debian's postgresql binaries; fails, never
 * skips, without them): the schema and every query hold on the production database too.
 */
class PostgresJdbcRoomStoreTest extends JdbcRoomStoreTest {
    private static PostgresServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    TestSqlDatabase newDatabase() throws Exception {
        return TestSqlDatabase.postgres(server);
    }
}
