package org.parley.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID org.parley.handoff: how long a deposited snapshot waits for its taker. */
@ObjectClassDefinition(pid = HandoffConfig.PID, name = "Parley state handoff",
        description = "State carried from one version of a bundle to the next during a live upgrade")
public @interface HandoffConfig {
    String PID = "org.parley.handoff";

    // min and max as HandoffStore checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", description = "Seconds a snapshot deposited by an outgoing component waits for its successor before it is dropped")
    int snapshotTtlSeconds() default 60;
}
