package org.parley.auth.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/**
 * Tells the admin console what {@link AuthCore} would not take: {@link AuthSettings#from}, its
 * one check. The core falls back per key ("; using ..."); the console refuses the change instead,
 * so that fallback is left out of the reason.
 */
@Component(property = ConfigurationChecker.PID + "=" + AuthConfig.PID)
public final class AuthConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        problems.addAll(ConfigurationChecks.check(AuthConfig.class, proposed, c -> {
            List<String> found = new ArrayList<>();
            AuthSettings.from(c, proposed, AuthSettings.DEFAULTS, found);
            for (String p : found) {
                problems.add(ConfigurationChecks.problem(AuthConfig.class, p.replaceFirst("; (using|keeping) [^;]*$", "")));
            }
        }));
        return problems;
    }
}
