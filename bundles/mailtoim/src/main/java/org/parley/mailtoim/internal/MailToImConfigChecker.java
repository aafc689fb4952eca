package org.parley.mailtoim.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link MailArrivedServlet} would refuse: its {@code Settings.from}, the one check. */
@Component(property = ConfigurationChecker.PID + "=" + MailToImConfig.PID)
public final class MailToImConfigChecker implements ConfigurationChecker {
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(MailToImConfig.class, proposed, MailArrivedServlet.Settings::from);
    }
}
