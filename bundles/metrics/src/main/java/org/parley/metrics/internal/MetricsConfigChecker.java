package org.parley.metrics.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link MetricsEndpoint} would refuse: {@link MetricsSettings#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + MetricsConfig.PID)
public final class MetricsConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(MetricsConfig.class, proposed, MetricsSettings::from);
    }
}
