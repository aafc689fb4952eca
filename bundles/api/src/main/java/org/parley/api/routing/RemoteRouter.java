package org.parley.api.routing;

import org.jxmpp.jid.DomainBareJid;
import org.parley.api.stanza.Stanza;

/**
 * Carries stanzas to other XMPP domains (server-to-server federation). The router hands it every
 * stanza whose domain is neither the served domain nor a component's. Without one registered, or
 * when it declines a domain, the sender gets remote-server-not-found. Must not block: queue and
 * connect elsewhere.
 */
public interface RemoteRouter {
    /**
     * Takes a stanza for a remote domain.
     *
     * @return false when this router will not serve that domain (the router then bounces the stanza)
     */
    boolean route(DomainBareJid domain, Stanza stanza);
}
