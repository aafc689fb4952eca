package org.parley.api.routing;

import org.parley.api.stanza.Stanza;

/**
 * A service with its own domain (multi-user chat on {@code conference.example.org}, a gateway).
 * Registered with the service property {@link #DOMAIN}; the router sends it every stanza addressed
 * to that domain or to a JID at it. Components answer through {@link StanzaRouter}. Must not block.
 */
public interface Component {
    /** Service property: the component's domain. */
    String DOMAIN = "parley.component.domain";

    void receive(Stanza stanza);
}
