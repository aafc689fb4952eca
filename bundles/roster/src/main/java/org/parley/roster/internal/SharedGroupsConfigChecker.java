package org.parley.roster.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/**
 * Tells the admin console what {@link ConfiguredSharedGroups} would refuse: its parse of the
 * groups. ({@code org.parley.roster}'s limits are numbers whose ranges the metatype carries.)
 */
@Component(property = ConfigurationChecker.PID + "=" + SharedGroupsConfig.PID)
public final class SharedGroupsConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(SharedGroupsConfig.class, proposed, c -> {
            try {
                ConfiguredSharedGroups.parse(c.groups());
            } catch (ConfiguredSharedGroups.Invalid e) {
                throw new IllegalArgumentException(e.getMessage().substring(SharedGroupsConfig.PID.length() + 2)); // "<pid>: key 'groups': ..."
            }
        });
    }
}
