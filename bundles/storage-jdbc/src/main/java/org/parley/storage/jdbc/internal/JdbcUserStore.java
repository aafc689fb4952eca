package org.parley.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.StorageException;
import org.parley.api.storage.UserStore;

/** {@link UserStore} over one JDBC DataSource with the schema of {@code db/V1__users.sql}. */
final class JdbcUserStore implements UserStore {
    /** Rows per executeBatch: bounds driver memory while keeping round trips few. */
    private static final int BATCH_SIZE = 1000;

    private static final String INSERT_CREDENTIAL = "INSERT INTO scram_credentials "
            + "(username, hash, salt, iterations, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String DELETE_CREDENTIALS = "DELETE FROM scram_credentials WHERE username = ?";

    private final DataSource dataSource;
    private final Dialect dialect;

    JdbcUserStore(DataSource dataSource, Dialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.dialect = Objects.requireNonNull(dialect);
    }

    @Override
    public boolean create(String username, List<ScramCredential> credentials) {
        requireName(username);
        Objects.requireNonNull(credentials, "credentials");
        return inTransaction("creating user '" + username + "'", c -> {
            // Insert-if-absent instead of catching a duplicate-key error: on PostgreSQL an error
            // aborts the whole transaction, and a concurrent create must simply report false.
            try (PreparedStatement ps = c.prepareStatement(dialect.insertUserIfAbsent())) {
                ps.setString(1, username);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertCredentials(c, username, credentials);
            return true;
        });
    }

    @Override
    public void upsertAll(Map<String, List<ScramCredential>> accounts) {
        Objects.requireNonNull(accounts, "accounts");
        if (accounts.isEmpty()) {
            return;
        }
        accounts.forEach((username, credentials) -> {
            requireName(username);
            Objects.requireNonNull(credentials, "credentials of " + username);
        });
        inTransaction("importing " + accounts.size() + " users", c -> {
            // Three batched passes in one transaction: make the accounts that are new, drop the
            // credentials of those that exist, write every credential. One row per statement:
            // an IN list of many names made PostgreSQL scan the freshly loaded table (no
            // statistics yet) for every statement, and multi-row inserts gained nothing measurable on H2.
            try (PreparedStatement users = c.prepareStatement(dialect.insertUserIfAbsent());
                 PreparedStatement delete = c.prepareStatement(DELETE_CREDENTIALS)) {
                int n = 0;
                for (String username : accounts.keySet()) {
                    users.setString(1, username);
                    users.addBatch();
                    delete.setString(1, username);
                    delete.addBatch();
                    if (++n % BATCH_SIZE == 0) {
                        users.executeBatch();
                        delete.executeBatch();
                    }
                }
                users.executeBatch();
                delete.executeBatch();
            }
            try (PreparedStatement insert = c.prepareStatement(INSERT_CREDENTIAL)) {
                int n = 0;
                for (Map.Entry<String, List<ScramCredential>> account : accounts.entrySet()) {
                    for (ScramCredential credential : account.getValue()) {
                        bindCredential(insert, account.getKey(), credential);
                        insert.addBatch();
                        if (++n % BATCH_SIZE == 0) {
                            insert.executeBatch();
                        }
                    }
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public boolean setCredentials(String username, List<ScramCredential> credentials) {
        requireName(username);
        Objects.requireNonNull(credentials, "credentials");
        return inTransaction("setting the credentials of '" + username + "'", c -> {
            // FOR UPDATE holds the account until commit, so a concurrent delete cannot slip in
            // between the check and the insert.
            try (PreparedStatement ps = c.prepareStatement("SELECT username FROM users WHERE username = ? FOR UPDATE")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(DELETE_CREDENTIALS)) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            insertCredentials(c, username, credentials);
            return true;
        });
    }

    @Override
    public boolean delete(String username) {
        requireName(username);
        // The credentials go with the account: ON DELETE CASCADE.
        return inTransaction("deleting user '" + username + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE username = ?")) {
                ps.setString(1, username);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean exists(String username) {
        requireName(username);
        return query("looking up user '" + username + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public Optional<ScramCredential> credential(String username, ScramHash hash) {
        requireName(username);
        Objects.requireNonNull(hash, "hash");
        return query("reading the " + hash.mechanism() + " credential of '" + username + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT salt, iterations, stored_key, server_key "
                    + "FROM scram_credentials WHERE username = ? AND hash = ?")) {
                ps.setString(1, username);
                ps.setString(2, hashName(hash));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Base64.Decoder b64 = Base64.getDecoder();
                    return Optional.of(new ScramCredential(hash, b64.decode(rs.getString(1)), rs.getInt(2),
                            b64.decode(rs.getString(3)), b64.decode(rs.getString(4))));
                }
            }
        });
    }

    @Override
    public List<String> list(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative: " + offset + ", " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return query("listing users", c -> {
            // OFFSET/FETCH is the standard form; H2 and PostgreSQL both accept it.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT username FROM users ORDER BY username OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                ps.setInt(1, offset);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> names = new ArrayList<>();
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                    return names;
                }
            }
        });
    }

    @Override
    public int count() {
        return query("counting users", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static void insertCredentials(Connection c, String username, List<ScramCredential> credentials)
            throws SQLException {
        if (credentials.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_CREDENTIAL)) {
            for (ScramCredential credential : credentials) {
                bindCredential(ps, username, credential);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bindCredential(PreparedStatement ps, String username, ScramCredential credential)
            throws SQLException {
        Base64.Encoder b64 = Base64.getEncoder();
        ps.setString(1, username);
        ps.setString(2, hashName(credential.hash()));
        ps.setString(3, b64.encodeToString(credential.salt()));
        ps.setInt(4, credential.iterations());
        ps.setString(5, b64.encodeToString(credential.storedKey()));
        ps.setString(6, b64.encodeToString(credential.serverKey()));
    }

    /** The name stored in scram_credentials.hash: the JCA digest name, stable across releases. */
    private static String hashName(ScramHash hash) {
        return hash.digestAlgorithm();
    }

    private static void requireName(String username) {
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs read-only work on a connection in auto-commit mode. */
    private <T> T query(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException(what + " failed: " + Sql.describe(e), e);
        }
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T inTransaction(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            // Not restored afterwards: Hikari resets auto-commit when the connection goes back.
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(what + " failed: " + Sql.describe(e), e);
        }
    }
}
