package org.parley.components.internal;

import java.net.InetAddress;
import java.util.concurrent.ScheduledExecutorService;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.stanza.Stanza;

/** What a component stream needs from the listener: the configured components, routing, the limits. */
interface ComponentHost {
    /** The configured component for a domain, or null. */
    ExternalComponent component(DomainBareJid domain);

    /** Hands a stanza the component sent to routing; never blocks. */
    void route(Stanza stanza);

    /** True when a refusal of this kind (unknown domain, wrong secret) from this address is to be logged now. */
    boolean shouldLogRefusal(InetAddress address, String reason);

    ComponentSettings settings();

    ScheduledExecutorService timer();

    long nanoTime();
}
