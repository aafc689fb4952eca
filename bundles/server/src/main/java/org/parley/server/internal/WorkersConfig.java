package org.parley.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID org.parley.workers: the shared pool for blocking work. */
@ObjectClassDefinition(pid = WorkersConfig.PID, name = "Parley worker pool",
        description = "The shared, bounded pool on which bundles run blocking work (JDBC, LDAP, SMTP, Kerberos)")
public @interface WorkersConfig {
    String PID = "org.parley.workers";

    // min and max as SharedWorkerPool checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "10000", description = "Threads for blocking work; they wait on I/O, so more than the cores")
    int threads() default 16;

    @AttributeDefinition(min = "1", max = "1000000", description = "Tasks that may wait for a thread; more are refused at once (the caller answers 'try later')")
    int queueSize() default 1000;
}
