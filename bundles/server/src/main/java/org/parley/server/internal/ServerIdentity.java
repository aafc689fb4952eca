package org.parley.server.internal;

import org.jxmpp.jid.DomainBareJid;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.parley.api.routing.ServerInfo;
import org.parley.api.server.Domain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's identity: the served domain, parsed once with {@link Domain} for every bundle that
 * asks, and the product version (this bundle's, which is released with the distribution). Lives in
 * the stable tier, so the bundles that read it are not restarted when the session core or routing
 * is upgraded.
 */
@Component(service = ServerInfo.class, configurationPid = ServerConfig.PID)
public final class ServerIdentity implements ServerInfo {
    private static final Logger LOG = LoggerFactory.getLogger(ServerIdentity.class);

    private final String version;
    private volatile Domain domain;

    /**
     * @throws IllegalArgumentException naming the key when the configured domain is not one: the
     *     server cannot serve without a domain, so nothing that needs it starts
     */
    @Activate
    public ServerIdentity(BundleContext context, ServerConfig config) {
        this(context.getBundle().getVersion().toString(), config.domain());
    }

    ServerIdentity(String version, String configuredDomain) {
        this.version = version;
        try {
            this.domain = Domain.parse(configuredDomain);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; the server cannot start without a valid domain", ServerConfig.PID, e.getMessage());
            throw new IllegalArgumentException(ServerConfig.PID + ": key 'domain': " + e.getMessage(), e);
        }
        LOG.info("Serving domain {}", domain);
    }

    /** Applies a changed domain; a value that is not a domain is refused and the previous one stays. */
    @Modified
    void modified(ServerConfig config) {
        Domain next;
        try {
            next = Domain.parse(config.domain());
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; keeping {}", ServerConfig.PID, e.getMessage(), domain);
            return;
        }
        if (!next.equals(domain)) {
            LOG.warn("The domain changed from {} to {}: new connections use it; connected sessions keep the old one until they reconnect",
                    domain, next);
            domain = next;
        }
    }

    @Override
    public DomainBareJid domain() {
        return domain.jid();
    }

    @Override
    public String productName() {
        return "Parley";
    }

    @Override
    public String version() {
        return version;
    }
}
