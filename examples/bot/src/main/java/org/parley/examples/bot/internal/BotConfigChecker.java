package org.parley.examples.bot.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link BotComponent} would refuse: {@link BotSettings#from}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + BotConfig.PID)
public final class BotConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(BotConfig.class, proposed, BotSettings::from);
    }
}
