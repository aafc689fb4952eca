package org.parley.storage.jdbc.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same tests on a real PostgreSQL server, reached by configuration alone: a URL, a user and a
 * password. Needs PostgreSQL's server binaries (Debian package postgresql); fails, never skips,
 * without them.
 */
class PostgresUserStoreTest extends AbstractUserStoreTest {
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
    protected TestConfig freshDatabase() throws Exception {
        return new TestConfig(server.createDatabase(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD, 4);
    }

    @Override
    protected String dataDirectory() {
        return null; // not needed with an explicit URL
    }
}
