package org.parley.mailhook.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the mail hook (PID org.parley.mailhook, file etc/org.parley.mailhook.cfg). */
@ObjectClassDefinition(id = MailHookConfig.PID, name = "Parley mail hook",
        description = "A mail to a user who is away when someone writes to them")
public @interface MailHookConfig {
    String PID = "org.parley.mailhook";

    @AttributeDefinition(description = "The SMTP server's host name")
    String smtpHost() default "localhost";

    // min and max as MailSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "0", max = "65535", description = "The SMTP server's port; 0 means the usual one for the security mode "
            + "(587 for starttls, 465 for smtps, 25 for none)")
    int smtpPort() default 0;

    @AttributeDefinition(description = "starttls (upgrade the connection, required), smtps (TLS from the first byte) "
            + "or none (plain, only for a relay on the same host)")
    String smtpSecurity() default "starttls";

    @AttributeDefinition(description = "User name for SMTP authentication; empty: no authentication")
    String smtpUsername() default "";

    @AttributeDefinition(description = "Password for SMTP authentication", type = AttributeType.PASSWORD)
    String smtpPassword() default "";

    @AttributeDefinition(description = "A PEM file (relative to etc/) of the certificates the SMTP server's certificate "
            + "must chain to, for a relay with an institution's own CA or a self-signed certificate; empty: the JVM's "
            + "trusted CAs. The server's name is checked against its certificate either way")
    String smtpTrustedCertificates() default "";

    @AttributeDefinition(min = "1", max = "600", description = "Seconds to wait for the SMTP server to connect or answer")
    int smtpTimeoutSeconds() default 30;

    @AttributeDefinition(description = "The mail's From address, e.g. 'Parley <noreply@example.edu>'; "
            + "empty: noreply at the served domain")
    String from() default "";

    @AttributeDefinition(description = "The recipient's mail address, from the account: {localpart} and {domain} "
            + "are replaced, e.g. {localpart}@example.edu")
    String recipientTemplate() default "{localpart}@{domain}";

    @AttributeDefinition(description = "Put the text of the message in the mail; by default the mail says only "
            + "who wrote and how many messages wait")
    boolean includeText() default false;

    @AttributeDefinition(min = "0", description = "At most one mail per sender and recipient within this many seconds: "
            + "a burst of messages becomes one mail")
    int intervalSeconds() default 900;

    @AttributeDefinition(min = "1", description = "Seconds before the first retry of a mail the SMTP server did not take; "
            + "each further retry waits twice as long")
    int retryInitialSeconds() default 30;

    @AttributeDefinition(min = "1", description = "The longest wait between two retries, in seconds")
    int retryMaxSeconds() default 3600;

    @AttributeDefinition(min = "1", description = "A mail not sent after this many hours is given up (logged)")
    int retryGiveUpHours() default 48;
}
