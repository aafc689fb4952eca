package org.parley.router.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The server-wide settings (PID org.parley.server) that several bundles read. */
@ObjectClassDefinition(pid = "org.parley.server", name = "Parley server", description = "Settings shared by the whole server")
public @interface ServerConfig {
    @AttributeDefinition(description = "The XMPP domain this server serves (the part after @ in user addresses)")
    String domain() default "localhost";
}
