package org.parley.admin.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the admin console and REST API, PID {@value #PID}. */
@ObjectClassDefinition(pid = AdminConfig.PID, name = "Parley admin console",
        description = "Who administers the server through the console and REST API, and how sign-in is protected.")
public @interface AdminConfig {
    String PID = "org.parley.admin";

    @AttributeDefinition(name = "Administrators", description = "Accounts (localparts, or bare JIDs of the served domain), "
            + "separated by commas, that may sign in to the console and REST API with their XMPP password.")
    String admins() default "admin";

    @AttributeDefinition(name = "Idle session timeout (seconds)", min = "10", max = "86400",
            description = "A console session unused this long ends.")
    int sessionIdleSeconds() default 1800;

    @AttributeDefinition(name = "Session lifetime (seconds)", min = "60", max = "604800",
            description = "A console session ends this long after sign-in, however busy.")
    int sessionMaxSeconds() default 28800;

    @AttributeDefinition(name = "Failed sign-ins per address", min = "1", max = "10000",
            description = "Failed sign-ins from one IP address within the throttle window before it must wait.")
    int failuresPerAddress() default 10;

    @AttributeDefinition(name = "Failed sign-ins per account", min = "1", max = "10000",
            description = "Failed sign-ins for one account, from anywhere, within the throttle window before it must wait.")
    int failuresPerAccount() default 5;

    @AttributeDefinition(name = "Throttle window (seconds)", min = "1", max = "86400",
            description = "How long failed sign-ins are counted; a throttled address or account waits until the oldest "
                    + "counted failure leaves the window.")
    int throttleSeconds() default 900;

    @AttributeDefinition(name = "Allow third-party bundles",
            description = "Accept uploaded bundles whose symbolic name is not a Parley bundle's (org.parley.*).")
    boolean allowThirdPartyBundles() default false;

    @AttributeDefinition(name = "Largest upload (bytes)", min = "1024", max = "1073741824",
            description = "The largest bundle jar accepted for upload.")
    int maxUploadBytes() default 67108864;
}
