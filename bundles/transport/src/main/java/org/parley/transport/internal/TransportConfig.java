package org.parley.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Client connection settings (PID org.parley.transport). */
@ObjectClassDefinition(pid = "org.parley.transport", name = "Parley client transport", description = "Client sockets, TLS and connection limits")
public @interface TransportConfig {
    @AttributeDefinition(description = "Address to listen on; 0.0.0.0 for all")
    String bindAddress() default "0.0.0.0";

    // min and max as ClientTransport checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "0", max = "65535", description = "Port for client connections with STARTTLS (RFC 6120); 0 disables it")
    int c2sPort() default 5222;

    @AttributeDefinition(min = "0", max = "65535", description = "Port for client connections with direct TLS (XEP-0368); 0 disables it")
    int c2sTlsPort() default 5223;

    @AttributeDefinition(min = "10000", description = "Largest stanza in bytes; a bigger one closes the stream with policy-violation")
    int maxStanzaBytes() default 262_144;

    @AttributeDefinition(min = "1", description = "Connections open at once from one IP address")
    int maxConnectionsPerAddress() default 50;

    @AttributeDefinition(min = "0", description = "Client connections open at once in all; each takes a file descriptor, "
            + "so the process's open-file limit must be above it. 0 (the default): as many as that limit allows, "
            + "less 512 files kept for the server itself")
    int maxConnections() default 0;

    @AttributeDefinition(min = "10", description = "Seconds without any data after which a connection is closed with connection-timeout")
    int idleTimeoutSeconds() default 300;

    @AttributeDefinition(min = "1", description = "Seconds open connections wait for a session core while it is replaced (a live upgrade) "
            + "before they are closed with system-shutdown")
    int reattachGraceSeconds() default 30;
}
