package org.parley.api.stream;

import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ProviderType;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/** The stream a {@link StreamFeature} is offered on or negotiated over. Do not keep it past the call. */
@ProviderType
public interface StreamContext {
    /** A server-unique id of the connection. */
    String connectionId();

    /** True when TLS protects the stream. */
    boolean isSecure();

    /** The authenticated account's localpart, or null before SASL success. */
    String username();

    /** The bound session, or null before resource binding. */
    Session session();

    InetSocketAddress remoteAddress();

    /** Sends a top-level element (a nonza) on the stream, in order with everything else sent on it. */
    void send(Element element);

    /** Ends the stream with a stream error (a null condition closes it cleanly). */
    void close(StreamErrorCondition condition, String text);
}
