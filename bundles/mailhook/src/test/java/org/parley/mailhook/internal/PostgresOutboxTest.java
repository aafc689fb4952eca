package org.parley.mailhook.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link OutboxTest} on a real PostgreSQL server (Debian's binaries; fails, never skips, without them). */
class PostgresOutboxTest extends OutboxTest {
    @Override
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
