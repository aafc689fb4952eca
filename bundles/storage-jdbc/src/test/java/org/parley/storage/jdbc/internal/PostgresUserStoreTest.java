package org.parley.storage.jdbc.internal;


/**
 * The same tests on a real PostgreSQL server, reached by configuration alone: a URL, a user and a
 * password. Needs PostgreSQL's server binaries (Debian package postgresql); fails, never skips,
 * without them.
 */
class PostgresUserStoreTest extends AbstractUserStoreTest {
    @Override
    protected TestConfig freshDatabase() throws Exception {
        return new TestConfig(PostgresServer.shared().createDatabase(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD, 4);
    }

    @Override
    protected String dataDirectory() {
        return null; // not needed with an explicit URL
    }
}
