package org.parley.session.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/**
 * Tells the admin console what {@link SessionCore} would refuse, with its two checks: the settings
 * ({@link SessionSettings#from}) and the client access rules ({@link AccessPolicy.Rules#from}),
 * each of which the core applies or refuses on its own.
 */
@Component(property = ConfigurationChecker.PID + "=" + SessionConfig.PID)
public final class SessionConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        Set<ConfigurationProblem> problems = new LinkedHashSet<>(ConfigurationChecks.check(SessionConfig.class, proposed, SessionSettings::from));
        problems.addAll(ConfigurationChecks.check(SessionConfig.class, proposed, AccessPolicy.Rules::from));
        return new ArrayList<>(problems);
    }
}
