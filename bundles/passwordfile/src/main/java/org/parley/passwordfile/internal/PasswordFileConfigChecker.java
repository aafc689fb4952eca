package org.parley.passwordfile.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/**
 * Tells the admin console what {@link PasswordFileProvider} would refuse: a file name the file system
 * cannot take, through the provider's own {@link PasswordFileProvider#fileOf}. Only the name is
 * checked, never the file: a file that does not exist yet is a valid configuration (the provider
 * reads it when it appears), and checking must not read or watch anything.
 */
@Component(property = ConfigurationChecker.PID + "=" + PasswordFileConfig.PID)
public final class PasswordFileConfigChecker implements ConfigurationChecker {
    private final Path etc;

    @Activate
    public PasswordFileConfigChecker(BundleContext context) {
        this(PasswordFileProvider.etcDirectory(context));
    }

    PasswordFileConfigChecker(Path etc) {
        this.etc = etc;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(PasswordFileConfig.class, proposed, c -> PasswordFileProvider.fileOf(c, etc));
    }
}
