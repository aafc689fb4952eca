package org.parley.privatexml.internal;

import org.parley.storage.jdbc.internal.PostgresServer;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** {@link PrivateXmlHandlerTest} on a real PostgreSQL server (Debian's binaries; fails, never skips, without them). */
class PostgresPrivateXmlHandlerTest extends PrivateXmlHandlerTest {
    @Override
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.postgres(PostgresServer.shared());
    }
}
