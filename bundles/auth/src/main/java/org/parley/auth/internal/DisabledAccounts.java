package org.parley.auth.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.storage.StorageException;

/**
 * Which accounts are disabled, one row per disabled account in this bundle's own schema module.
 * Kept apart from the {@code users} table on purpose: an account whose credentials live in a
 * directory (LDAP) has no row there, and must be disableable all the same, since the sign-in check
 * runs on the authenticated username whichever mechanism or directory authenticated it.
 *
 * <p>A private service of this bundle (the type is in an internal package). Every call blocks on
 * the database: call it on {@link AuthWorkers} or an operator's thread.
 */
@Component(service = DisabledAccounts.class)
public final class DisabledAccounts {
    static final String MODULE = "auth";
    /** The SQL state of a unique or primary key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    static final List<SchemaMigration> MIGRATIONS = List.of(SchemaMigration.portable(1, "disabled accounts", """
            CREATE TABLE IF NOT EXISTS auth_disabled_account (
                username VARCHAR(1023) NOT NULL PRIMARY KEY,
                disabled_at TIMESTAMP WITH TIME ZONE NOT NULL
            );
            """));

    private final SqlDatabase database;

    @Activate
    public DisabledAccounts(@Reference SqlDatabase database) {
        this.database = database;
        database.migrate(MODULE, MIGRATIONS);
    }

    /** @return false when the account was disabled already */
    boolean disable(String username) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO auth_disabled_account (username, disabled_at) "
                     + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM auth_disabled_account WHERE username = ?)")) {
            ps.setString(1, username);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, username);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false; // disabled by someone else between the check and the insert
            }
            throw new StorageException("cannot disable " + username + ": " + e.getMessage(), e);
        }
    }

    /** @return false when the account was not disabled */
    boolean enable(String username) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM auth_disabled_account WHERE username = ?")) {
            ps.setString(1, username);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException("cannot enable " + username + ": " + e.getMessage(), e);
        }
    }

    boolean isDisabled(String username) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM auth_disabled_account WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read whether " + username + " is disabled: " + e.getMessage(), e);
        }
    }

    List<String> list(int offset, int limit) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT username FROM auth_disabled_account ORDER BY username LIMIT ? OFFSET ?")) {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new StorageException("cannot list the disabled accounts: " + e.getMessage(), e);
        }
    }
}
