package org.parley.passwordfile.internal;

import java.util.List;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.parley.ds.ComponentSwitch;

/**
 * The live on/off switch of the password-file provider (key {@code enabled}). Off disables the
 * {@link PasswordFileProvider} component, so its PasswordAuthenticator and UserDirectory services
 * leave the registry: PLAIN no longer asks it, nothing counts its users as accounts, and
 * {@code bin/parley status} no longer lists it. Signed-in sessions do not depend on the provider
 * and stay. On enables it again, and it reads the file afresh.
 */
@Component(immediate = true, configurationPid = PasswordFileConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ProviderSwitch {
    static final String PROVIDER = PasswordFileProvider.class.getName();

    private final ComponentSwitch components = new ComponentSwitch(ProviderSwitch.class, "Password file provider",
            PasswordFileConfig.PID, "enabled", List.of(PROVIDER));

    @Activate
    @Modified
    void apply(ComponentContext context, PasswordFileConfig config) {
        components.apply(context, config.enabled());
    }
}
