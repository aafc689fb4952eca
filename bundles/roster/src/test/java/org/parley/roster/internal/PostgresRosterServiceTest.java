package org.parley.roster.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/**
 * The roster service's tests on a real PostgreSQL server (Debian's postgresql binaries; fails,
 * never skips, without them): the schema, the versioned writes and the delta queries hold on the
 * production database too, each test on a database of its own.
 */
class PostgresRosterServiceTest extends RosterServiceTest {
    @BeforeAll
    static void onPostgres() {
        World.databases = () -> TestSqlDatabase.postgres(PostgresServer.shared());
    }

    @AfterAll
    static void backToH2() {
        World.databases = TestSqlDatabase::h2InMemory;
    }
}
