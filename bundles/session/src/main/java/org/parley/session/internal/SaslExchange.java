package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.connection.ClientConnection;

/**
 * What a SASL mechanism sees of the connection it authenticates, and the exchange in progress on
 * it. One per stream while it authenticates; dropped once it has.
 */
final class SaslExchange implements SaslContext {
    private final StreamServices services;
    private final ClientConnection connection;
    private SaslNegotiation negotiation;
    private String mechanism;

    SaslExchange(StreamServices services, ClientConnection connection) {
        this.services = services;
        this.connection = connection;
    }

    void start(String mechanismName, SaslNegotiation started) {
        this.mechanism = mechanismName;
        this.negotiation = started;
    }

    SaslNegotiation negotiation() {
        return negotiation;
    }

    String mechanism() {
        return mechanism;
    }

    void reset() {
        negotiation = null;
        mechanism = null;
    }

    @Override
    public DomainBareJid domain() {
        return services.domain().get();
    }

    @Override
    public boolean isSecure() {
        return connection.isSecure();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        return connection.channelBinding(type);
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return connection.peerCertificates();
    }

    @Override
    public CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity) {
        return services.identityMappers().map(identity);
    }
}
