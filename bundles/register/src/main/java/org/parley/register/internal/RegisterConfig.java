package org.parley.register.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of in-band registration (PID org.parley.register, file etc/org.parley.register.cfg). */
@ObjectClassDefinition(id = RegisterConfig.PID, name = "Parley in-band registration",
        description = "In-band registration (XEP-0077): account creation before sign-in, password change and cancellation")
public @interface RegisterConfig {
    String PID = "org.parley.register";

    @AttributeDefinition(name = "Account creation", description = "Let clients create accounts before signing in (inside TLS "
            + "only). Off: institutional accounts come from the directory or the operator")
    boolean accountCreation() default false;

    @AttributeDefinition(name = "Networks that may create accounts", description = "Address ranges (CIDR, IPv4 and IPv6; "
            + "an address alone is one host), comma-separated, from which accounts may be created. Empty: any network "
            + "the session core lets connect")
    String[] allowNetworks() default {};

    @AttributeDefinition(name = "Creations per address", min = "1", max = "100000", description = "Account creation "
            + "requests one IP address may make within the window; past it the client gets resource-constraint")
    int maxPerAddress() default 3;

    @AttributeDefinition(name = "Window (seconds)", min = "1", max = "2592000", description = "The window the "
            + "creations per address are counted over")
    int windowSeconds() default 3600;

    @AttributeDefinition(name = "Password change", description = "Let a signed-in user of the internal store change "
            + "their password. Directory accounts are always refused: their password is changed in the directory")
    boolean passwordChange() default true;

    @AttributeDefinition(name = "End other sessions on password change", description = "When a user changes their "
            + "password, end the account's other sessions (they signed in with the old one). Off: they stay")
    boolean endOtherSessions() default false;

    @AttributeDefinition(name = "Cancellation", description = "Let a signed-in user of the internal store delete their "
            + "own account, with everything stored for it")
    boolean cancellation() default true;
}
