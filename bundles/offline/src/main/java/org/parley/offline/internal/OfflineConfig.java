package org.parley.offline.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of offline message storage (PID org.parley.offline, file etc/org.parley.offline.cfg). */
@ObjectClassDefinition(id = OfflineConfig.PID, name = "Parley offline messages",
        description = "Messages kept for users who are offline (XEP-0160)")
public @interface OfflineConfig {
    String PID = "org.parley.offline";

    // min and max as Quota checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", description = "Messages kept for one user at most; past it senders get service-unavailable "
            + "and nothing already kept is dropped")
    int maxMessagesPerUser() default 1000;

    @AttributeDefinition(min = "1024", description = "Bytes of stored XML kept for one user at most; past it senders get "
            + "service-unavailable and nothing already kept is dropped")
    long maxBytesPerUser() default 10L * 1024 * 1024;
}
