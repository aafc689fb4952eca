package org.parley.components.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of external components (PID org.parley.components, file
 * etc/org.parley.components.cfg). Besides these keys, each component is one entry
 * {@code secret.<domain> = <secret>}: metatype cannot describe keys named by the operator, so
 * {@link ComponentSettings} reads them from the raw properties.
 */
@ObjectClassDefinition(id = ComponentsConfig.PID, name = "Parley external components",
        description = "XEP-0114 external components: gateways and bots that run as separate processes")
public @interface ComponentsConfig {
    String PID = "org.parley.components";

    @AttributeDefinition(description = "Address the component listener binds; loopback unless components run on other hosts")
    String bindAddress() default "127.0.0.1";

    // min and max as ComponentSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "0", max = "65535", description = "TCP port for components over plain TCP (XEP-0114); 0 disables it")
    int port() default 5347;

    @AttributeDefinition(min = "0", max = "65535", description = "TCP port for components over direct TLS (the tls bundle's certificate); 0 disables it")
    int tlsPort() default 0;

    @AttributeDefinition(min = "1024", description = "Largest stanza in bytes a component may send; a bigger one closes its stream with policy-violation")
    int maxStanzaBytes() default 262_144;

    @AttributeDefinition(min = "1", description = "Stanzas per second a component may send; past it the server stops reading from it until it is back under")
    int maxStanzasPerSecond() default 1000;

    @AttributeDefinition(min = "0", description = "Seconds the stanzas for a configured component that is not connected are held before "
            + "they are answered with service-unavailable")
    int holdSeconds() default 30;

    @AttributeDefinition(min = "0", description = "Stanzas held at most for one component that is not connected; past it they are answered "
            + "with service-unavailable at once")
    int maxHeldStanzas() default 10_000;

    @AttributeDefinition(min = "1", description = "A refused handshake is logged once per address in this many seconds")
    int refusalLogIntervalSeconds() default 300;
}
