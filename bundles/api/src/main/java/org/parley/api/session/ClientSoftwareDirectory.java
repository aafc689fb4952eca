package org.parley.api.session;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What software each session's client runs, as far as it answered: the server asks each client
 * once, after its session becomes available (XEP-0092). Registered by the bundle that asks
 * (im); an operator's view of sessions reads it. Never blocks.
 *
 * @since 1.4
 */
@ProviderType
public interface ClientSoftwareDirectory {
    /**
     * The software the client of this session named; empty before it was asked and answered,
     * when it answered with an error or not in time, and after the session ended.
     */
    Optional<ClientSoftware> clientSoftware(String sessionId);
}
