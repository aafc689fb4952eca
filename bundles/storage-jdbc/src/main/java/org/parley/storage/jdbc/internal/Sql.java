package org.parley.storage.jdbc.internal;

import java.sql.SQLException;

/** Small helpers shared by the JDBC classes. */
final class Sql {
    private Sql() {
    }

    /**
     * The message of an SQLException and of the exception chained to it: a failed batch on
     * PostgreSQL says only "Batch entry 12 was aborted" and keeps the reason in the next one.
     */
    static String describe(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        SQLException next = e.getNextException();
        if (next != null && next != e) {
            sb.append(" (").append(next.getMessage()).append(')');
        }
        return sb.toString();
    }
}
