package org.parley.tls.internal;

/**
 * A configuration value that is refused; names the configuration PID, the key and the problem. The
 * component reads two PIDs: its own {@value #TLS_PID}, and {@value #SERVER_PID} for the domain.
 */
final class InvalidConfigurationException extends Exception {
    static final String TLS_PID = "org.parley.tls";
    static final String SERVER_PID = "org.parley.server";

    private static final long serialVersionUID = 1L;
    private final String pid;
    private final String key;

    /** A refused key of {@value #TLS_PID}. */
    InvalidConfigurationException(String key, String problem) {
        this(TLS_PID, key, problem);
    }

    InvalidConfigurationException(String pid, String key, String problem) {
        super(pid + ": key '" + key + "': " + problem);
        this.pid = pid;
        this.key = key;
    }

    /** The configuration PID the refused key belongs to. */
    String pid() {
        return pid;
    }

    /** The configuration key whose value is refused. */
    String key() {
        return key;
    }
}
