package org.parley.metrics.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The checked configuration; a value that cannot work is refused with its key named. */
record MetricsSettings(InetSocketAddress address, String path) {
    static MetricsSettings from(MetricsConfig config) {
        String host = config.bindAddress() == null ? "" : config.bindAddress().trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("key 'bindAddress': empty");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("key 'bindAddress': '" + host + "' is not an address of this machine");
        }
        if (config.port() < 1 || config.port() > 65535) {
            throw new IllegalArgumentException("key 'port': " + config.port() + " is not between 1 and 65535");
        }
        String path = config.path() == null ? "" : config.path().trim();
        if (!path.startsWith("/") || path.length() > 200 || !path.matches("[A-Za-z0-9/._~-]+")) {
            throw new IllegalArgumentException("key 'path': '" + path + "' is not a path such as /metrics");
        }
        return new MetricsSettings(new InetSocketAddress(address, config.port()), path);
    }
}
