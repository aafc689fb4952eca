package org.parley.api.auth;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.jxmpp.jid.DomainBareJid;

/** What a SASL mechanism may know about the connection it authenticates. */
public interface SaslContext {
    /** The served domain the client asked for. */
    DomainBareJid domain();

    /** True when the connection is protected by TLS. */
    boolean isSecure();

    InetSocketAddress remoteAddress();

    /** Channel-binding data of the given type (for SCRAM -PLUS), when available. */
    Optional<byte[]> channelBinding(String type);
}
