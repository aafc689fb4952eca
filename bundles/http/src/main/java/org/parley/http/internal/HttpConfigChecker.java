package org.parley.http.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link HttpsService} would refuse: {@link HttpsSettings#of}, its one check. */
@Component(property = ConfigurationChecker.PID + "=" + HttpConfig.PID)
public final class HttpConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(HttpConfig.class, proposed, c -> {
            try {
                HttpsSettings.of(c);
            } catch (HttpsSettings.InvalidSettingException e) {
                throw new IllegalArgumentException(e.getMessage().substring(HttpConfig.PID.length() + 2)); // "<pid>: key 'x' ..."
            }
        });
    }
}
