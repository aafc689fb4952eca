package org.parley.auth.internal;

import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** Real databases for the components of this bundle that keep a table. */
final class Databases {
    private Databases() {
    }

    /**
     * The disabled accounts in a private in-memory H2 database, which lives as long as the test
     * JVM: the tests that only need a manager to exist do not have to close one.
     */
    static DisabledAccounts disabledAccounts() {
        return new DisabledAccounts(TestSqlDatabase.h2InMemory());
    }
}
