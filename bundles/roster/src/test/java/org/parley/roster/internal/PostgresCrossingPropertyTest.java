package org.parley.roster.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The crossing property on a real PostgreSQL server (Debian's postgresql binaries; fails, never
 * skips, without them): a pair step's writes of both users' items and versions in one
 * transaction hold on the production database too. Fewer seeds, each on a database of its own.
 */
class PostgresCrossingPropertyTest extends CrossingPropertyTest {
    @BeforeAll
    static void onPostgres() {
        World.databases = () -> TestSqlDatabase.postgres(PostgresServer.shared());
    }

    @AfterAll
    static void backToH2() {
        World.databases = TestSqlDatabase::h2InMemory;
    }

    @Override
    int sequences() {
        return 6;
    }
}
