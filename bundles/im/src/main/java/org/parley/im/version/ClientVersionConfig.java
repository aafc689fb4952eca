package org.parley.im.version;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of asking clients their software (PID org.parley.im.clientversion). */
@ObjectClassDefinition(pid = ClientVersionConfig.PID, name = "Parley client software",
        description = "Asking each client once which software it runs (XEP-0092), for the operator's view of sessions")
public @interface ClientVersionConfig {
    String PID = "org.parley.im.clientversion";

    @AttributeDefinition(description = "Ask each client, once its session is available, which software it runs")
    boolean askClients() default true;

    @AttributeDefinition(min = "1", max = "600", description = "Seconds to wait for a client's answer; no answer by then is taken as none")
    int timeoutSeconds() default 30;
}
