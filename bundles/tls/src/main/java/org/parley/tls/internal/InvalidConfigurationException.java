package org.parley.tls.internal;

/** A configuration value that is refused; names the configuration key and the problem. */
final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    InvalidConfigurationException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
        this.key = key;
    }

    /** The configuration key whose value is refused. */
    String key() {
        return key;
    }
}
