package org.parley.muc.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;

/**
 * Tells the admin console what {@link MucComponent} would refuse, with its own checks:
 * {@link MucSettings#from} and the service's address on the served domain.
 */
@Component(property = ConfigurationChecker.PID + "=" + MucConfig.PID)
public final class MucConfigChecker implements ConfigurationChecker {
    private final ServerInfo server;

    @Activate
    public MucConfigChecker(@Reference ServerInfo server) {
        this.server = server;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(MucConfig.class, proposed, c -> MucComponent.domainOf(MucSettings.from(c).subdomain(), server));
    }
}
