package org.parley.api.tls;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;

/**
 * Hands out server TLS engines with Parley's policy (TLS 1.2 and 1.3 only, forward-secret AEAD
 * cipher suites only). The key and certificate may be reloaded at any time; engines already
 * created keep theirs.
 */
public interface TlsContextProvider {
    /** A new server-mode engine, policy applied. */
    SSLEngine createServerEngine(String peerHost, int peerPort);

    /** The leaf certificate currently served (for tls-server-end-point channel binding). */
    X509Certificate certificate();

    /** The SHA-256 fingerprint of {@link #certificate()}, as colon-separated hex. */
    String fingerprint();
}
