package org.parley.mailhook.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link NotificationCommandTest} on a real PostgreSQL server (Debian's binaries; fails, never skips, without them). */
class PostgresNotificationCommandTest extends NotificationCommandTest {
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
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(server);
    }
}
