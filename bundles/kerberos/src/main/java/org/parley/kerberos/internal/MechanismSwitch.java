package org.parley.kerberos.internal;

import java.util.List;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.parley.ds.ComponentSwitch;

/**
 * The live on/off switch of GSSAPI (key {@code enabled}). Off disables the {@link GssapiMechanism}
 * component, so its SaslMechanism service leaves the registry: the session core stops offering it
 * once its grace period for a departed mechanism has passed (it cannot tell a switch-off from an
 * upgrade), and {@code bin/parley status} no longer lists it. Signed-in sessions do not depend on
 * the mechanism and stay.
 */
@Component(immediate = true, configurationPid = KerberosConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class MechanismSwitch {
    static final String MECHANISM = GssapiMechanism.class.getName();

    private final ComponentSwitch components = new ComponentSwitch(MechanismSwitch.class, "Kerberos GSSAPI",
            KerberosConfig.PID, "enabled", List.of(MECHANISM));

    @Activate
    @Modified
    void apply(ComponentContext context, KerberosConfig config) {
        components.apply(context, config.enabled());
    }
}
