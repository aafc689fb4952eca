package org.parley.mailtoim.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of mail to IM (PID org.parley.mailtoim, file etc/org.parley.mailtoim.cfg). */
@ObjectClassDefinition(id = MailToImConfig.PID, name = "Parley mail to IM",
        description = "The HTTPS endpoint a mail system calls when mail arrives for a user")
public @interface MailToImConfig {
    String PID = "org.parley.mailtoim";

    @AttributeDefinition(description = "The systems that may call, each as name:sha256, the SHA-256 in hex of its token "
            + "(printf %s \"$TOKEN\" | sha256sum); comma-separated. Empty: every call is refused")
    String tokens() default "";

    // min and max as MailArrivedServlet.Settings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", description = "Calls one system (token) may make per minute; past it 429 Too Many Requests")
    int perTokenPerMinute() default 600;

    @AttributeDefinition(min = "1", description = "Notifications one user may get per minute; past it 429 Too Many Requests")
    int perUserPerMinute() default 6;
}
