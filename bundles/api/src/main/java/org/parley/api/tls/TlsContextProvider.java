package org.parley.api.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands out server TLS engines with Parley's policy (TLS 1.2 and 1.3 only, forward-secret AEAD
 * cipher suites only). The key and certificate may be reloaded at any time; engines already
 * created keep theirs. The server implements it ({@code tls}); bundles use it.
 */
@ProviderType
public interface TlsContextProvider {
    /** A new server-mode engine, policy applied. */
    SSLEngine createServerEngine(String peerHost, int peerPort);

    /** The leaf certificate currently served (for tls-server-end-point channel binding). */
    X509Certificate certificate();

    /** The SHA-256 fingerprint of {@link #certificate()}, as colon-separated hex. */
    String fingerprint();

    /**
     * The key and certificate chain currently served, as a new PKCS#12 key store (alias
     * {@code server}) whose key entry is protected by {@code password}; for a server that takes
     * its key from a key store rather than from engines, such as Jetty under Felix HTTP. The
     * caller owns the store and decides where, if anywhere, it is written.
     *
     * @since 1.1
     */
    KeyStore keyStore(char[] password);
}
