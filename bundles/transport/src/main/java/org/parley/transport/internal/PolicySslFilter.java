package org.parley.transport.internal;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.ssl.SslFilter;
import org.parley.api.tls.TlsContextProvider;

/**
 * MINA's TLS filter with engines from the TLS bundle, so every connection gets Parley's protocol
 * and cipher policy and the certificate current at the time it connects.
 */
final class PolicySslFilter extends SslFilter {
    private final TlsContextProvider tls;

    PolicySslFilter(TlsContextProvider tls) throws java.security.NoSuchAlgorithmException {
        // The context given to MINA is never used to make engines: createEngine is overridden.
        super(SSLContext.getDefault());
        this.tls = tls;
    }

    @Override
    protected SSLEngine createEngine(IoSession session, InetSocketAddress peer) {
        return tls.createServerEngine(peer == null ? null : peer.getHostString(), peer == null ? 0 : peer.getPort());
    }
}
