package org.parley.mailhook.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link NotificationCommandTest} on a real PostgreSQL server (Debian's binaries; fails, never skips, without them). */
class PostgresNotificationCommandTest extends NotificationCommandTest {
    @Override
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
