package org.parley.kerberos.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/** Tells the admin console what {@link GssapiMechanism} would refuse: {@link KerberosSettings#parse}, on the same etc/. */
@Component(property = ConfigurationChecker.PID + "=" + KerberosConfig.PID)
public final class KerberosConfigChecker implements ConfigurationChecker {
    private final Path etc;

    @Activate
    public KerberosConfigChecker(BundleContext context) {
        this(context.getProperty(GssapiMechanism.ETC_PROPERTY) == null ? null : Path.of(context.getProperty(GssapiMechanism.ETC_PROPERTY)));
    }

    KerberosConfigChecker(Path etc) {
        this.etc = etc;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        problems.addAll(ConfigurationChecks.check(KerberosConfig.class, proposed, c -> {
            for (KerberosSettings.Problem p : KerberosSettings.parse(c, etc).problems()) {
                problems.add(new ConfigurationProblem(p.key(), p.reason()));
            }
        }));
        return problems;
    }
}
