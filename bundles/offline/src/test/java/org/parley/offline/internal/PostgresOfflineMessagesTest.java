package org.parley.offline.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The offline store's tests on a real PostgreSQL server (Debian's postgresql binaries; fails,
 * never skips, without them): the schema and every query hold on the production database too.
 */
class PostgresOfflineMessagesTest extends OfflineMessagesTest {
    @Override
    TestSqlDatabase newDatabase() throws Exception {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
