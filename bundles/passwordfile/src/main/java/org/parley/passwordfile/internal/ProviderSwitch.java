package org.parley.passwordfile.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live on/off switch of the password-file provider (key {@code enabled}). Off disables the
 * {@link PasswordFileProvider} component, so its PasswordAuthenticator and UserDirectory services
 * leave the registry: PLAIN no longer asks it, nothing counts its users as accounts, and
 * {@code bin/parley status} no longer lists it. Signed-in sessions do not depend on the provider
 * and stay. On enables it again, and it reads the file afresh.
 */
@Component(immediate = true, configurationPid = PasswordFileConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ProviderSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSwitch.class);
    static final String PROVIDER = PasswordFileProvider.class.getName();

    private Boolean on;

    @Activate
    @Modified
    synchronized void apply(ComponentContext context, PasswordFileConfig config) {
        boolean wanted = config.enabled();
        if (on != null && on == wanted) {
            return;
        }
        if (wanted) {
            context.enableComponent(PROVIDER);
        } else {
            context.disableComponent(PROVIDER);
        }
        if (on != null || !wanted) {
            LOG.info("Password file provider: {} ({} key 'enabled')", wanted ? "on" : "off", PasswordFileConfig.PID);
        }
        on = wanted;
    }
}
