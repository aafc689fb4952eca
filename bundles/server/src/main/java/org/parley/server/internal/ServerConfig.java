package org.parley.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The server-wide settings (PID org.parley.server) that every bundle reads through {@link ServerIdentity}. */
@ObjectClassDefinition(pid = ServerConfig.PID, name = "Parley server", description = "Settings shared by the whole server")
public @interface ServerConfig {
    String PID = "org.parley.server";

    @AttributeDefinition(description = "The XMPP domain this server serves (the part after @ in user addresses)")
    String domain() default "localhost";
}
