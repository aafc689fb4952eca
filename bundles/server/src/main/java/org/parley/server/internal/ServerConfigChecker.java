package org.parley.server.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.server.Domain;

/** Tells the admin console what {@link ServerIdentity} would refuse: the served domain's one parser. */
@Component(property = ConfigurationChecker.PID + "=" + ServerConfig.PID)
public final class ServerConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(ServerConfig.class, proposed, c -> {
            try {
                Domain.parse(c.domain());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key 'domain': " + e.getMessage(), e);
            }
        });
    }
}
