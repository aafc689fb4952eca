package org.parley.roster.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link BlockStoreTest} on a real PostgreSQL server. */
class PostgresBlockStoreTest extends BlockStoreTest {
    @Override
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
