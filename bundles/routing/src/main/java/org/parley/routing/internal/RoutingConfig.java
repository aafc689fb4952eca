package org.parley.routing.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of routing (PID org.parley.routing). */
@ObjectClassDefinition(pid = RoutingConfig.PID, name = "Parley routing", description = "Stanza routing")
public @interface RoutingConfig {
    String PID = "org.parley.routing";

    // min and max as Router checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "0", description = "Milliseconds a stanza for an iq handler, interceptor, component or the session core "
            + "that is being replaced (a bundle upgrade) is held before it is answered as if there were none")
    long graceMillis() default 5000;
}
