package org.parley.router.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the stream router (PID org.parley.router). */
@ObjectClassDefinition(pid = "org.parley.router", name = "Parley stream router", description = "Stream negotiation and stanza routing")
public @interface RouterConfig {
    @AttributeDefinition(description = "Refuse authentication until the client has started TLS")
    boolean requireTls() default true;

    @AttributeDefinition(description = "How long (ms) a request for an iq handler being replaced is held before service-unavailable")
    long handlerGraceMillis() default 5000;

    @AttributeDefinition(description = "Seconds a connection may take from connecting to binding a resource")
    int authTimeoutSeconds() default 60;

    @AttributeDefinition(description = "Failed SASL attempts allowed on one connection before it is closed")
    int maxAuthAttempts() default 5;
}
