package org.parley.serviceadmin.internal;

/**
 * The admins (PID org.parley.admin, file etc/org.parley.admin.cfg), shared with the web console,
 * which describes the PID's metatype; here only the key this bundle reads.
 */
public @interface AdminConfig {
    String PID = "org.parley.admin";

    /** The admin accounts (bare JIDs, or names of the served domain), separated by commas or white space. */
    String admins() default "admin";
}
