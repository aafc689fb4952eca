package org.parley.api.routing;

import org.jxmpp.jid.DomainBareJid;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Facts about the running server that handlers need. Provided by the stable-tier {@code server}
 * bundle, which parses the configured domain once ({@link org.parley.api.server.Domain}); a
 * changed domain is seen by the next call.
 */
@ProviderType
public interface ServerInfo {
    /** The served domain. */
    DomainBareJid domain();

    /** The product name, "Parley". */
    String productName();

    /** The product version. */
    String version();
}
