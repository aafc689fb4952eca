package org.parley.api.routing;

import org.parley.api.stanza.Stanza;

/**
 * Routes stanzas that the server itself originates (handler answers, notifications) with the same
 * rules as stanzas from clients: to a session, a component, an account's resources, or a handler.
 * The stanza's {@code from} must be set. Never blocks.
 */
public interface StanzaRouter {
    void route(Stanza stanza);
}
