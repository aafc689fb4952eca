package org.parley.tls.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A checked {@link TlsConfig}: every value valid, file paths resolved.
 *
 * @param domain the served domain
 * @param certificateFile the operator's certificate chain file
 * @param keyFile the operator's private key file
 * @param policy protocols and cipher suites
 * @param reloadIntervalSeconds seconds between checks of the files; 0 for none
 * @param clientCaFile the certificate authorities of client certificates, or null to ask for none
 * @param requireClientCertificates whether the handshake fails without a trusted client certificate
 */
record TlsSettings(ServedDomain domain, Path certificateFile, Path keyFile, TlsPolicy policy,
        int reloadIntervalSeconds, Path clientCaFile, boolean requireClientCertificates) {

    /**
     * Checks the configuration.
     *
     * @param etcDirectory what relative file names resolve against
     * @throws InvalidConfigurationException naming the first key whose value is refused
     */
    static TlsSettings of(TlsConfig config, Path etcDirectory) throws InvalidConfigurationException {
        ServedDomain domain = ServedDomain.parse(config.domain());
        Path certificate = file("certificate", config.certificate(), etcDirectory);
        Path key = file("privateKey", config.privateKey(), etcDirectory);
        TlsPolicy policy = TlsPolicy.of(config.protocols(), config.cipherSuites());
        if (config.reloadIntervalSeconds() < 0) {
            throw new InvalidConfigurationException("reloadIntervalSeconds",
                    config.reloadIntervalSeconds() + " is negative; use 0 to disable reloading");
        }
        String cas = config.clientCaCertificates();
        Path clientCaFile = cas == null || cas.isBlank() ? null : file("clientCaCertificates", cas, etcDirectory);
        if (config.requireClientCertificates() && clientCaFile == null) {
            throw new InvalidConfigurationException("requireClientCertificates",
                    "true needs clientCaCertificates: with no authority to trust, no client could connect");
        }
        return new TlsSettings(domain, certificate, key, policy, config.reloadIntervalSeconds(), clientCaFile,
                config.requireClientCertificates());
    }

    private static Path file(String key, String value, Path etcDirectory) throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException(key, "no file given");
        }
        try {
            return etcDirectory.resolve(value.trim()).normalize();
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(key, "'" + value + "' is not a valid path: " + e.getReason());
        }
    }
}
