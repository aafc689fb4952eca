package org.parley.tls.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of {@link ServerTlsContextProvider}: PID {@code org.parley.tls}, merged by DS with
 * PID {@code org.parley.server} for {@link #domain()}.
 */
@ObjectClassDefinition(pid = "org.parley.tls", name = "Parley TLS",
        description = "The server certificate and private key, and the TLS protocol and cipher suite policy.")
public @interface TlsConfig {
    @AttributeDefinition(name = "Domain",
            description = "The served XMPP domain. Set it under PID org.parley.server; a generated self-signed "
                    + "certificate names it.")
    String domain() default "localhost";

    @AttributeDefinition(name = "Certificate",
            description = "PEM file with the certificate chain, leaf first. A relative path resolves against the "
                    + "instance's etc directory. When neither this file nor the private key exists, a self-signed "
                    + "certificate is generated.")
    String certificate() default "tls/server.crt";

    @AttributeDefinition(name = "Private key",
            description = "PEM file with the unencrypted private key of the leaf certificate: PKCS#8, PKCS#1 (RSA) "
                    + "or SEC1 (EC). A relative path resolves against the instance's etc directory.")
    String privateKey() default "tls/server.key";

    @AttributeDefinition(name = "Protocols",
            description = "Enabled TLS versions, any of TLSv1.3 and TLSv1.2.")
    String[] protocols() default {"TLSv1.3", "TLSv1.2"};

    @AttributeDefinition(name = "Cipher suites",
            description = "Enabled cipher suites in server preference order. Only forward-secret AEAD suites are "
                    + "accepted: TLS 1.3 suites, and for TLS 1.2 ECDHE or DHE with AES-GCM, ChaCha20-Poly1305 or "
                    + "AES-CCM.")
    String[] cipherSuites() default {
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    };

    @AttributeDefinition(name = "Reload interval (seconds)", min = "0",
            description = "How often the certificate and key files are checked for changes (modification time, "
                    + "size, file identity); they are reloaded when they change. 0 disables the check.")
    int reloadIntervalSeconds() default 30;

    @AttributeDefinition(name = "Client certificate authorities",
            description = "PEM file with the certificate authorities whose client certificates are accepted for SASL "
                    + "EXTERNAL (XEP-0178). When set, the TLS handshake asks clients for a certificate (without "
                    + "requiring one) and names these authorities; EXTERNAL is offered to a client whose certificate "
                    + "one of them issued and that is valid now. Empty: no client certificates are asked for. A "
                    + "relative path resolves against the instance's etc directory; the file is reloaded when it "
                    + "changes.")
    String clientCaCertificates() default "";

    @AttributeDefinition(name = "Require client certificates",
            description = "When true, the handshake fails for a client that presents no certificate, or one the "
                    + "client certificate authorities did not issue or that is not valid now: only clients with a "
                    + "trusted certificate can connect at all. Needs clientCaCertificates.")
    boolean requireClientCertificates() default false;
}
