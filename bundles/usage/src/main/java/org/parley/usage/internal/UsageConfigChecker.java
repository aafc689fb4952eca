package org.parley.usage.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link UsageService} would refuse: {@link UsageSettings#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + UsageConfig.PID)
public final class UsageConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(UsageConfig.class, proposed, UsageSettings::from);
    }
}
