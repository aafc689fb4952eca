package org.parley.api.routing;

import org.jxmpp.jid.DomainBareJid;

/** Facts about the running server that handlers need. */
public interface ServerInfo {
    /** The served domain. */
    DomainBareJid domain();

    /** The product name, "Parley". */
    String productName();

    /** The product version. */
    String version();
}
