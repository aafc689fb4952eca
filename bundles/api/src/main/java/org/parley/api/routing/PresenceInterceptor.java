package org.parley.api.routing;

import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Sees every presence before it is routed, in order of service ranking (highest first). Bound
 * dynamically by the router. Must not block.
 */
public interface PresenceInterceptor {
    /**
     * @param presence the presence with {@code from} stamped by the server
     * @param origin the sender's session, or null for a server-originated presence
     */
    InterceptResult intercept(Stanza presence, Session origin);
}
