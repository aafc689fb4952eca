package org.parley.api.routing;

import org.parley.api.stanza.Stanza;

/**
 * A service with its own domain (multi-user chat on {@code conference.example.org}, a gateway).
 * Registered with the service property {@link #DOMAIN}; routing sends it every stanza addressed
 * to that domain or to a JID at it. Components answer through {@link StanzaRouter#route}.
 *
 * <p>Each component receives on its own executor: calls come one at a time and in the order
 * routing took the stanzas, never on an I/O thread or a sender's session thread, so a busy
 * component delays only itself. {@link #receive} must still not block for long (it holds up the
 * component's next stanzas). While a component is being replaced (same domain leaving and
 * arriving), stanzas for it are held for the grace period and then given to its successor; past
 * it the sender gets service-unavailable.
 */
public interface Component {
    /** Service property: the component's domain. */
    String DOMAIN = "parley.component.domain";

    void receive(Stanza stanza);
}
