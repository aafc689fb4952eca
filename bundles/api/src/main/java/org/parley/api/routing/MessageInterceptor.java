package org.parley.api.routing;

import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Sees every message before it is routed, in order of service ranking (highest first). Bound
 * dynamically by the router. Must not block.
 */
public interface MessageInterceptor {
    /**
     * @param message the message with {@code from} stamped by the server
     * @param origin the sender's session, or null for a server-originated message
     */
    InterceptResult intercept(Stanza message, Session origin);
}
