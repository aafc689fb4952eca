package org.parley.api.auth;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.DomainBareJid;
import org.osgi.annotation.versioning.ProviderType;

/** What a SASL mechanism may know about the connection it authenticates, and what it may ask of the server. */
@ProviderType
public interface SaslContext {
    /** The served domain the client asked for. */
    DomainBareJid domain();

    /** True when the connection is protected by TLS. */
    boolean isSecure();

    InetSocketAddress remoteAddress();

    /** Channel-binding data of the given type (for SCRAM -PLUS), when available. */
    Optional<byte[]> channelBinding(String type);

    /**
     * The certificate chain the client presented in the TLS handshake, its own certificate first;
     * empty when it presented none or the connection is not TLS (SASL EXTERNAL, XEP-0178).
     *
     * @since 2.0
     */
    List<X509Certificate> peerCertificates();

    /**
     * Maps an identity the mechanism authenticated (a Kerberos principal, a certificate) to a
     * local account, asking the {@link IdentityMapper} services in order of ranking.
     *
     * @return the account's prepared localpart, or empty when no mapper knows the identity
     * @since 2.0
     */
    CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity);
}
