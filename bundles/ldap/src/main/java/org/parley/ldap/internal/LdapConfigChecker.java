package org.parley.ldap.internal;

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

/**
 * Tells the admin console what this bundle would refuse, with its own checks: the directory
 * settings ({@link LdapSettings#parse}, {@link LdapProvider}'s) and the group settings
 * ({@link DirectoryGroups#parse}), on the same etc/ (a CA certificate file is looked up there).
 */
@Component(property = ConfigurationChecker.PID + "=" + LdapConfig.PID)
public final class LdapConfigChecker implements ConfigurationChecker {
    private final Path etc;

    @Activate
    public LdapConfigChecker(BundleContext context) {
        this(context.getProperty(LdapProvider.ETC_PROPERTY) == null ? null : Path.of(context.getProperty(LdapProvider.ETC_PROPERTY)));
    }

    LdapConfigChecker(Path etc) {
        this.etc = etc;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        problems.addAll(ConfigurationChecks.check(LdapConfig.class, proposed, c -> {
            for (LdapSettings.Problem p : LdapSettings.parse(c, etc).problems()) {
                problems.add(new ConfigurationProblem(p.key(), p.reason()));
            }
            List<LdapSettings.Problem> groups = new ArrayList<>();
            DirectoryGroups.parse(c, groups);
            for (LdapSettings.Problem p : groups) {
                problems.add(new ConfigurationProblem(p.key(), p.reason()));
            }
        }));
        return problems;
    }
}
