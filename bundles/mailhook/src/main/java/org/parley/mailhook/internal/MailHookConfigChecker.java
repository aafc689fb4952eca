package org.parley.mailhook.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;

/** Tells the admin console what {@link MailHook} would refuse: {@link MailSettings#from}, its one check, on the same domain and etc/. */
@Component(property = ConfigurationChecker.PID + "=" + MailHookConfig.PID)
public final class MailHookConfigChecker implements ConfigurationChecker {
    private final ServerInfo server;
    private final Path etc;

    @Activate
    public MailHookConfigChecker(@Reference ServerInfo server, BundleContext context) {
        this(server, context.getProperty("parley.etc") == null ? null : Path.of(context.getProperty("parley.etc")));
    }

    MailHookConfigChecker(ServerInfo server, Path etc) {
        this.server = server;
        this.etc = etc;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(MailHookConfig.class, proposed, c -> MailSettings.from(c, server.domain().toString(), etc));
    }
}
