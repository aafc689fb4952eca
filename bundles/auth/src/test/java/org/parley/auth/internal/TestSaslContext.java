package org.parley.auth.internal;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;

/** The facts of one connection, as the session core would give them. */
record TestSaslContext(DomainBareJid domain, boolean isSecure, InetSocketAddress remoteAddress, byte[] endPoint)
        implements SaslContext {

    static TestSaslContext plain(String ip) {
        return new TestSaslContext(JidCreate.domainBareFromOrThrowUnchecked("example.org"), false,
                new InetSocketAddress(ip, 40000), null);
    }

    static TestSaslContext tls(String ip) {
        return new TestSaslContext(JidCreate.domainBareFromOrThrowUnchecked("example.org"), true,
                new InetSocketAddress(ip, 40000), null);
    }

    static TestSaslContext tlsWithBinding(String ip, byte[] endPoint) {
        return new TestSaslContext(JidCreate.domainBareFromOrThrowUnchecked("example.org"), true,
                new InetSocketAddress(ip, 40000), endPoint);
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        return "tls-server-end-point".equals(type) ? Optional.ofNullable(endPoint) : Optional.empty();
    }

    /** The mechanisms of this bundle do not use client certificates. */
    @Override
    public List<X509Certificate> peerCertificates() {
        return List.of();
    }

    /** Nor identity mapping: they authenticate local accounts by name. */
    @Override
    public CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity) {
        return CompletableFuture.completedFuture(Optional.empty());
    }
}
