package org.parley.muc.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The room store's tests on a real PostgreSQL server (Debian's postgresql binaries; fails, never
 * skips, without them): the schema and every query hold on the production database too.
 */
class PostgresJdbcRoomStoreTest extends JdbcRoomStoreTest {
    @Override
    TestSqlDatabase newDatabase() throws Exception {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
