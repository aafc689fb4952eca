package org.parley.usage.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the usage figures (PID org.parley.usage, file etc/org.parley.usage.cfg). */
@ObjectClassDefinition(id = UsageConfig.PID, name = "Parley usage figures",
        description = "Sampling of the service's usage figures, and how long the weekly figures are kept")
public @interface UsageConfig {
    String PID = "org.parley.usage";

    @AttributeDefinition(description = "Seconds between two samples of the figures (1 to 3600)")
    int sampleSeconds() default 10;

    @AttributeDefinition(description = "Hours of samples kept in memory for charts (1 to 168)")
    int historyHours() default 6;

    @AttributeDefinition(description = "Weeks of distinct-user figures kept in storage (1 to 1040)")
    int weeksKept() default 156;
}
