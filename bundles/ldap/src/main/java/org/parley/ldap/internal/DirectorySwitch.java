package org.parley.ldap.internal;

import java.util.List;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.parley.ds.ComponentSwitch;

/**
 * The live on/off switch of the directory provider (key {@code enabled}). Off disables the
 * {@link LdapProvider} component: its PasswordAuthenticator and UserDirectory services leave the
 * registry (PLAIN no longer asks the directory, its users are no longer accounts, {@code bin/parley
 * status} no longer lists it), its connections are closed, and the components that use it (the
 * directory's vCard fields and groups) go with it. Signed-in sessions do not depend on the
 * provider and stay. On enables it again with the configuration as it is then.
 */
@Component(immediate = true, configurationPid = LdapConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DirectorySwitch {
    static final String PROVIDER = LdapProvider.class.getName();

    private final ComponentSwitch components = new ComponentSwitch(DirectorySwitch.class, "LDAP directory provider",
            LdapConfig.PID, "enabled", List.of(PROVIDER));

    @Activate
    @Modified
    void apply(ComponentContext context, LdapConfig config) {
        components.apply(context, config.enabled());
    }
}
