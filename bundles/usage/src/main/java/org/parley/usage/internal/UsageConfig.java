package org.parley.usage.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the usage figures (PID org.parley.usage, file etc/org.parley.usage.cfg). */
@ObjectClassDefinition(id = UsageConfig.PID, name = "Parley usage figures",
        description = "Sampling of the service's usage figures, and how long the weekly figures are kept")
public @interface UsageConfig {
    String PID = "org.parley.usage";

    // min and max as UsageSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "3600", description = "Seconds between two samples of the figures (1 to 3600)")
    int sampleSeconds() default 10;

    @AttributeDefinition(min = "1", max = "168", description = "Hours of samples kept in memory for charts (1 to 168)")
    int historyHours() default 6;

    @AttributeDefinition(min = "1", max = "1040", description = "Weeks of distinct-user figures kept in storage (1 to 1040)")
    int weeksKept() default 156;
}
