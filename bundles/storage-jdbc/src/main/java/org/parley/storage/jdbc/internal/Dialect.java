package org.parley.storage.jdbc.internal;

import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.parley.api.storage.SqlDatabase;

/**
 * The databases this store runs on, told apart by the JDBC URL. The schema and almost every
 * statement are portable SQL; the one difference is how a row is inserted only when absent.
 */
enum Dialect {
    H2("jdbc:h2:"),
    POSTGRESQL("jdbc:postgresql:");

    private final String urlPrefix;

    Dialect(String urlPrefix) {
        this.urlPrefix = urlPrefix;
    }

    static Optional<Dialect> forUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (lower.startsWith(d.urlPrefix)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The same dialect as the api names it for feature bundles' migrations. */
    SqlDatabase.Dialect api() {
        return switch (this) {
            case H2 -> SqlDatabase.Dialect.H2;
            case POSTGRESQL -> SqlDatabase.Dialect.POSTGRESQL;
        };
    }

    /** Inserts a users row (one parameter: the username) unless it exists; the update count says which. */
    String insertUserIfAbsent() {
        return switch (this) {
            // Standard MERGE: H2 has no ON CONFLICT outside its PostgreSQL compatibility mode.
            case H2 -> "MERGE INTO users t USING (VALUES (CAST(? AS VARCHAR(1023)))) AS s(username) "
                    + "ON t.username = s.username WHEN NOT MATCHED THEN INSERT (username) VALUES (s.username)";
            // ON CONFLICT rather than PostgreSQL 15's MERGE: it is safe against concurrent inserts.
            case POSTGRESQL -> "INSERT INTO users (username) VALUES (?) ON CONFLICT (username) DO NOTHING";
        };
    }

    /**
     * A driver DataSource for the URL. Created directly from the driver's class rather than
     * through DriverManager, which cannot see driver bundles from inside OSGi.
     */
    DataSource dataSource(String url, String user, String password) {
        return switch (this) {
            case H2 -> {
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL(url);
                ds.setUser(user);
                ds.setPassword(password);
                yield ds;
            }
            // Its own class, so the optional org.postgresql import is only touched when configured.
            case POSTGRESQL -> PostgresDataSources.create(url, user, password);
        };
    }
}
