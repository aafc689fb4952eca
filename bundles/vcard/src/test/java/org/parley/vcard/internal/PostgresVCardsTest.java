package org.parley.vcard.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link VCardsTest} on a real PostgreSQL server (Debian's binaries; fails, never skips, without them). */
class PostgresVCardsTest extends VCardsTest {
    @Override
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
