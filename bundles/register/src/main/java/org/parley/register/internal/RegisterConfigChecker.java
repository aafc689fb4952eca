package org.parley.register.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link Registration} would refuse: {@link RegisterSettings#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + RegisterConfig.PID)
public final class RegisterConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(RegisterConfig.class, proposed, RegisterSettings::from);
    }
}
