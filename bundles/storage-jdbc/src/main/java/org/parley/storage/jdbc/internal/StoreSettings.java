package org.parley.storage.jdbc.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated storage configuration. Built from the metatype view and the raw properties, because
 * the typed view silently turns an unparsable number into 0, and the operator should be told
 * which key was wrong and why instead.
 */
record StoreSettings(String url, Dialect dialect, String user, String password, int maxPoolSize) {
    /** The framework property that names the instance's data directory. */
    static final String DATA_PROPERTY = "parley.data";

    static final int MAX_POOL_SIZE_LIMIT = 1000;

    StoreSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** A configuration problem, phrased for the operator: which key, what is wrong with it. */
    static final class InvalidSettingsException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidSettingsException(List<String> problems) {
            super(String.join("; ", problems));
        }
    }

    /**
     * @param dataDirectory the {@code parley.data} framework property, or null when it is not set
     */
    static StoreSettings from(JdbcStoreConfig config, Map<String, ?> raw, String dataDirectory)
            throws InvalidSettingsException {
        List<String> problems = new ArrayList<>();

        String url = trimmed(config.url());
        if (url.isEmpty()) {
            url = defaultUrl(dataDirectory, problems);
        }
        Dialect dialect = null;
        if (url != null) {
            dialect = Dialect.forUrl(url).orElse(null);
            if (dialect == null) {
                problems.add("key 'url': unsupported JDBC URL '" + url + "' (expected jdbc:h2:... or jdbc:postgresql:...)");
            }
        }

        int maxPoolSize = config.maxPoolSize();
        Object rawPool = raw.get("maxPoolSize");
        if (rawPool instanceof String s && !isInteger(s.trim())) {
            problems.add("key 'maxPoolSize': '" + s + "' is not a whole number");
        } else if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE_LIMIT) {
            problems.add("key 'maxPoolSize': must be between 1 and " + MAX_POOL_SIZE_LIMIT + ", got " + maxPoolSize);
        }

        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return new StoreSettings(url, dialect, trimmed(config.user()), nullToEmpty(config.password()), maxPoolSize);
    }

    /** The embedded default: an H2 file database inside the instance's data directory. */
    private static String defaultUrl(String dataDirectory, List<String> problems) {
        if (dataDirectory == null || dataDirectory.isBlank()) {
            problems.add("key 'url' is empty and the framework property '" + DATA_PROPERTY
                    + "' is not set, so there is no place for the embedded database: set one of them");
            return null;
        }
        Path data = Path.of(dataDirectory.trim());
        if (!data.isAbsolute()) {
            problems.add("key 'url' is empty and the framework property '" + DATA_PROPERTY + "' ('" + dataDirectory
                    + "') is not an absolute path: the embedded database needs one");
            return null;
        }
        // DB_CLOSE_ON_EXIT=FALSE: the pool closes the database when the component stops; H2's own
        // JVM shutdown hook would otherwise close it under the pool while the framework shuts down.
        // WRITE_DELAY=0: a commit is written to the file before it returns. By default H2 writes
        // commits in the background up to 500 ms later, so a server killed (kill -9, OOM killer)
        // lost what it had already acknowledged: an offline message, a new account.
        return "jdbc:h2:file:" + data.resolve("db").resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** The URL with any password parameter hidden, for log messages. */
    String safeUrl() {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "StoreSettings[url=" + safeUrl() + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
