package org.parley.tls.internal;

import java.nio.file.Path;
import java.time.Clock;

/** A Parley instance's directories in a test's temporary folder. */
record Instance(Path data, Path etc) {
    static Instance in(Path root) {
        return new Instance(root.resolve("data"), root.resolve("etc"));
    }

    Path operatorCertificate() {
        return etc.resolve("tls/server.crt");
    }

    Path operatorKey() {
        return etc.resolve("tls/server.key");
    }

    Path selfSignedCertificate() {
        return data.resolve("tls").resolve(SelfSignedCertificates.CERTIFICATE_FILE);
    }

    Path selfSignedKey() {
        return data.resolve("tls").resolve(SelfSignedCertificates.KEY_FILE);
    }

    ServerTlsContextProvider start(TestConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    ServerTlsContextProvider start(TestConfig config, Clock clock) throws Exception {
        return new ServerTlsContextProvider(config.build(), data, etc, clock);
    }
}
