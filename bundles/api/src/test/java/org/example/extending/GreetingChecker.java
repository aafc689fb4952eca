package org.example.extending;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

// Asked by the admin console before it writes etc/org.example.greeting.cfg: what GreetingHandler
// would refuse is refused there, with the key and the reason, and nothing is written.
@Component(property = ConfigurationChecker.PID + "=" + GreetingHandler.PID)
public final class GreetingChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(GreetingConfig.class, proposed, GreetingHandler::validate);
    }
}
