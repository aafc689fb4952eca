package org.parley.admin.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;

/** What {@link AdminServlet} would refuse of its own configuration: {@link AdminSettings#of}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + AdminConfig.PID)
public final class AdminConfigChecker implements ConfigurationChecker {
    private final ServerInfo server;

    @Activate
    public AdminConfigChecker(@Reference ServerInfo server) {
        this.server = server;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(AdminConfig.class, proposed, c -> {
            try {
                AdminSettings.of(c, server.domain().toString());
            } catch (AdminSettings.InvalidSettingException e) {
                throw new IllegalArgumentException(e.getMessage().substring(AdminConfig.PID.length() + 2)); // "<pid>: key 'x' ..."
            }
        });
    }
}
