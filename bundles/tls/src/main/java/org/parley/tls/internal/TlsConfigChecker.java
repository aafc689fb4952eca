package org.parley.tls.internal;

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
 * Tells the admin console what {@link ServerTlsContextProvider} would refuse: {@link TlsSettings#of},
 * its check of the settings, on the same etc/. Whether the key material loads is found only by
 * loading it; that is still the provider's to refuse (the previous TLS setup stays).
 */
@Component(property = ConfigurationChecker.PID + "=" + InvalidConfigurationException.TLS_PID)
public final class TlsConfigChecker implements ConfigurationChecker {
    private final Path etc;

    @Activate
    public TlsConfigChecker(BundleContext context) {
        this(context.getProperty(ServerTlsContextProvider.ETC_DIRECTORY_PROPERTY) == null ? null
                : Path.of(context.getProperty(ServerTlsContextProvider.ETC_DIRECTORY_PROPERTY)));
    }

    TlsConfigChecker(Path etc) {
        this.etc = etc;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        return ConfigurationChecks.check(TlsConfig.class, proposed, c -> {
            try {
                TlsSettings.of(c, etc);
            } catch (InvalidConfigurationException e) {
                String prefix = e.pid() + ": key '" + e.key() + "': ";
                String reason = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
                throw new IllegalArgumentException("key '" + e.key() + "': " + reason);
            }
        });
    }
}
