package org.parley.auth.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link ExternalMechanism} would refuse: {@link ExternalSettings#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + ExternalConfig.PID)
public final class ExternalConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        problems.addAll(ConfigurationChecks.check(ExternalConfig.class, proposed, c -> {
            List<String> found = new ArrayList<>();
            ExternalSettings.from(c, proposed, found);
            found.forEach(p -> problems.add(ConfigurationChecks.problem(ExternalConfig.class, p)));
        }));
        return problems;
    }
}
