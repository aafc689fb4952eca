package org.parley.offline.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link OfflineComponent} would refuse: {@link Quota#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + OfflineConfig.PID)
public final class OfflineConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(OfflineConfig.class, proposed, Quota::from);
    }
}
