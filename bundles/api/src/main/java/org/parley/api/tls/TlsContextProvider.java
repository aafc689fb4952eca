package org.parley.api.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
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

    /**
     * Checks a client's certificate chain (its own certificate first, as the handshake presented
     * it) against the certificate authorities the operator configured for client certificates, at
     * this moment: the chain must lead to one of them, each certificate must be valid now, and the
     * client's own must allow client authentication. For SASL EXTERNAL (XEP-0178).
     *
     * <p>The check is here rather than only in the handshake because client certificates are asked
     * for, not required (unless the operator requires them): a client presenting a certificate the
     * server does not trust still connects and signs in another way.
     *
     * @return empty when the chain is trusted; otherwise why not, in words fit for a log and a client
     * @since 1.2
     */
    Optional<String> clientCertificateProblem(List<X509Certificate> chain);
}
