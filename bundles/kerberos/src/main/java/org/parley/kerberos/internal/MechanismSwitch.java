package org.parley.kerberos.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live on/off switch of GSSAPI (key {@code enabled}). Off disables the {@link GssapiMechanism}
 * component, so its SaslMechanism service leaves the registry: the session core stops offering it
 * once its grace period for a departed mechanism has passed (it cannot tell a switch-off from an
 * upgrade), and {@code bin/parley status} no longer lists it. Signed-in sessions do not depend on
 * the mechanism and stay.
 */
@Component(immediate = true, configurationPid = KerberosConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class MechanismSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(MechanismSwitch.class);
    static final String MECHANISM = GssapiMechanism.class.getName();

    private Boolean on;

    @Activate
    @Modified
    synchronized void apply(ComponentContext context, KerberosConfig config) {
        boolean wanted = config.enabled();
        if (on != null && on == wanted) {
            return;
        }
        if (wanted) {
            context.enableComponent(MECHANISM);
        } else {
            context.disableComponent(MECHANISM);
        }
        if (on != null || !wanted) {
            LOG.info("Kerberos: GSSAPI switched {} ({} key 'enabled')", wanted ? "on" : "off", KerberosConfig.PID);
        }
        on = wanted;
    }
}
