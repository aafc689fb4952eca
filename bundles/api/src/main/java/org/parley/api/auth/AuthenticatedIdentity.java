package org.parley.api.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * An identity a SASL mechanism has proven, to be mapped to a local account by the
 * {@link IdentityMapper}s.
 *
 * @param kind what proved it
 * @param name the identity as the mechanism knows it: a Kerberos principal ({@code alice@EXAMPLE.EDU}),
 *     a certificate's XMPP address or subject, an authorization identity
 * @param certificates the client's certificate chain for {@link Kind#X509_CERTIFICATE}, else empty
 */
public record AuthenticatedIdentity(Kind kind, String name, List<X509Certificate> certificates) {
    /** How the identity was proven. */
    public enum Kind {
        /** GSSAPI: a Kerberos principal. */
        KERBEROS_PRINCIPAL,
        /** EXTERNAL over TLS: a client certificate. */
        X509_CERTIFICATE
    }

    public AuthenticatedIdentity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        certificates = List.copyOf(certificates);
    }
}
