package org.parley.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID org.parley.workers: the shared pool for blocking work. */
@ObjectClassDefinition(pid = WorkersConfig.PID, name = "Parley worker pool",
        description = "The shared, bounded pool on which bundles run blocking work (JDBC, LDAP, SMTP, Kerberos)")
public @interface WorkersConfig {
    String PID = "org.parley.workers";

    @AttributeDefinition(description = "Threads for blocking work; they wait on I/O, so more than the cores")
    int threads() default 16;

    @AttributeDefinition(description = "Tasks that may wait for a thread; more are refused at once (the caller answers 'try later')")
    int queueSize() default 1000;
}
