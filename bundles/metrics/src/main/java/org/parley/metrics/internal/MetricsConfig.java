package org.parley.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the metrics listener (PID org.parley.metrics, file etc/org.parley.metrics.cfg). */
@ObjectClassDefinition(id = MetricsConfig.PID, name = "Parley metrics",
        description = "Metrics for Prometheus in the text exposition format")
public @interface MetricsConfig {
    String PID = "org.parley.metrics";

    @AttributeDefinition(description = "Address the metrics listener binds to: loopback unless a monitoring network must reach it")
    String bindAddress() default "127.0.0.1";

    // min and max as MetricsSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "65535", description = "TCP port of the metrics listener (1 to 65535)")
    int port() default 9464;

    @AttributeDefinition(description = "Path the metrics are served on")
    String path() default "/metrics";
}
