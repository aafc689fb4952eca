package org.parley.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link HttpsService}, PID {@value #PID}. */
@ObjectClassDefinition(pid = HttpConfig.PID, name = "Parley HTTPS",
        description = "Where the server's HTTPS port (admin console, REST API) listens. It serves the tls bundle's "
                + "certificate, TLS only; there is no plain-HTTP port.")
public @interface HttpConfig {
    String PID = "org.parley.http";

    @AttributeDefinition(name = "Bind address",
            description = "The IP address (or host name) HTTPS listens on. 127.0.0.1 keeps the console reachable from "
                    + "this machine only (an SSH tunnel or a reverse proxy for anything else); 0.0.0.0 is every interface.")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(name = "Port", min = "1", max = "65535", description = "The HTTPS port.")
    int port() default 9091;

    @AttributeDefinition(name = "Certificate check (seconds)", min = "1", max = "3600",
            description = "How often the served certificate is compared with the tls bundle's; when the tls bundle "
                    + "reloaded a new one, HTTPS restarts with it.")
    int certificateCheckSeconds() default 30;
}
