package org.parley.ds;

import java.util.List;
import org.osgi.service.component.ComponentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns some of a bundle's own components on and off from one boolean configuration key, live.
 * Disabling a component (rather than having it refuse work) takes its services out of the registry,
 * so everything that uses them sees the feature leave exactly as if its bundle had stopped, and
 * {@code bin/parley status} stops listing it. The switch acts only when the wanted state changes:
 * a configuration change of another key does not restart the components.
 */
public final class ComponentSwitch {
    private final Logger log;
    private final String feature;
    private final String pid;
    private final String key;
    private final List<String> components;
    private Boolean on;

    /**
     * @param owner the switch component of the bundle, whose logger says what changed
     * @param feature what the operator switches, as the log names it ("LDAP directory provider")
     * @param pid the configuration that holds the switch, named in the log line
     * @param key the boolean key of that configuration
     * @param components the component names (their implementation class names by default)
     */
    public ComponentSwitch(Class<?> owner, String feature, String pid, String key, List<String> components) {
        this.log = LoggerFactory.getLogger(owner);
        this.feature = feature;
        this.pid = pid;
        this.key = key;
        this.components = List.copyOf(components);
    }

    /**
     * Brings the components to the wanted state. Logs every change, and the first state when it is
     * off (on is the default and not worth a line at each start).
     *
     * @return true when the state changed, i.e. the components were enabled or disabled now
     */
    public synchronized boolean apply(ComponentContext context, boolean wanted) {
        if (on != null && on == wanted) {
            return false;
        }
        for (String component : components) {
            if (wanted) {
                context.enableComponent(component);
            } else {
                context.disableComponent(component);
            }
        }
        if (on != null || !wanted) {
            log.info("{}: {} ({} key '{}')", feature, wanted ? "on" : "off", pid, key);
        }
        on = wanted;
        return true;
    }
}
