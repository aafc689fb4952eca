package org.parley.auth.internal;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.SaslContext;

/** The facts of one connection, as the router would give them. */
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
}
