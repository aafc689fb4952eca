package org.parley.passwordfile.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.parley.passwordfile}: which file holds the replicated passwords. */
@ObjectClassDefinition(id = PasswordFileConfig.PID, name = "Parley password file",
        description = "Sign-in with passwords replicated from another system. Without 'file' the provider is off.")
public @interface PasswordFileConfig {
    String PID = "org.parley.passwordfile";

    @AttributeDefinition(description = "Switches the provider on and off live. Off: its users are neither asked for "
            + "nor listed (the provider's services are withdrawn, as if the bundle were stopped); sessions already signed "
            + "in stay. The file and its other settings are kept for when it is switched on again.")
    boolean enabled() default true;

    @AttributeDefinition(description = "The file of user:hash lines, relative to etc/ (or absolute). Hashes: bcrypt "
            + "($2a$, $2b$, $2y$), SHA-512-crypt ($6$), SHA-256-crypt ($5$), Apache APR1 ($apr1$). Empty: off.")
    String file() default "";

    // min and max as PasswordFileProvider checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "3600", description = "Seconds between looks at the file; a changed file is read again.")
    int pollSeconds() default 5;

    // DS puts this value in the provider's service properties, where auth's PLAIN chain reads it.
    @AttributeDefinition(name = "service.ranking", min = "-1000000", max = "1000000", description = "Where PLAIN asks this provider: "
            + "highest first; the first that knows the user decides (a wrong password there is final). The internal "
            + "account store is -1000, the password file -1500, a directory -2000. Applies live; 'bin/parley status' "
            + "shows the order.")
    int service_ranking() default PasswordFileProvider.RANKING;
}
