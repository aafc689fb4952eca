package org.parley.api.session;

import java.net.InetSocketAddress;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * A bound client session. Implementations are thread-safe: any thread may deliver to a session,
 * and deliveries from one thread reach the client in the order they were made.
 */
public interface Session {
    /** A server-unique id, stable for the life of the session. */
    String id();

    /** The bound full JID. */
    EntityFullJid jid();

    default EntityBareJid bareJid() {
        return jid().asEntityBareJid();
    }

    /** True once the client has sent initial presence and until it sends unavailable presence. */
    boolean isAvailable();

    /** The priority of the last available presence (RFC 6121 section 4.7.2.3), 0 before any. */
    int priority();

    /** Queues a stanza for the client. Never blocks. */
    void deliver(Stanza stanza);

    /** Ends the session with a stream error; a null condition closes the stream cleanly. */
    void close(StreamErrorCondition condition, String text);

    InetSocketAddress remoteAddress();

    /** True when the stream is protected by TLS. */
    boolean isSecure();

    /** The SASL mechanism the user authenticated with. */
    String authMechanism();
}
