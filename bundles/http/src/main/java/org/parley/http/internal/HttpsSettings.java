package org.parley.http.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@link HttpConfig} checked: an unusable value is refused with its key and the reason. */
record HttpsSettings(String bindAddress, int port, int certificateCheckSeconds) {
    static HttpsSettings of(HttpConfig config) throws InvalidSettingException {
        String address = config.bindAddress() == null ? "" : config.bindAddress().trim();
        if (address.isEmpty()) {
            throw new InvalidSettingException("bindAddress", "must name an address, such as 127.0.0.1");
        }
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException("bindAddress", "'" + address + "' is not an address of this machine's resolver");
        }
        if (config.port() < 1 || config.port() > 65535) {
            throw new InvalidSettingException("port", "must be between 1 and 65535, not " + config.port());
        }
        if (config.certificateCheckSeconds() < 1 || config.certificateCheckSeconds() > 3600) {
            throw new InvalidSettingException("certificateCheckSeconds",
                    "must be between 1 and 3600, not " + config.certificateCheckSeconds());
        }
        return new HttpsSettings(address, config.port(), config.certificateCheckSeconds());
    }

    /** A configuration value that cannot be used. */
    static final class InvalidSettingException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidSettingException(String key, String reason) {
            super(HttpConfig.PID + ": key '" + key + "' " + reason);
        }
    }
}
