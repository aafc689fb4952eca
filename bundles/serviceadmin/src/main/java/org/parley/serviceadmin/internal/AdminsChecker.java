package org.parley.serviceadmin.internal;

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
 * Tells the admin console what {@link ServiceAdmin} would refuse of the admin list it shares with
 * the console ({@link Admins#parse}); the console's own bundle answers for the rest of the PID.
 */
@Component(property = ConfigurationChecker.PID + "=" + AdminConfig.PID)
public final class AdminsChecker implements ConfigurationChecker {
    private final ServerInfo server;

    @Activate
    public AdminsChecker(@Reference ServerInfo server) {
        this.server = server;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(AdminConfig.class, proposed, c -> Admins.parse(c.admins(), server.domain().toString()));
    }
}
