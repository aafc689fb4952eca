package org.parley.kerberos.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.parley.kerberos}: the service's keytab and who may sign in with a ticket. */
@ObjectClassDefinition(id = KerberosConfig.PID, name = "Parley Kerberos (SASL GSSAPI)",
        description = "Sign-in with a Kerberos ticket and no password. Without 'keytab' GSSAPI is not offered.")
public @interface KerberosConfig {
    String PID = "org.parley.kerberos";

    @AttributeDefinition(description = "Switches GSSAPI on and off live. Off: the mechanism's service is withdrawn, so it "
            + "is no longer offered (after the session core's grace period for a departed mechanism) nor listed by "
            + "'bin/parley status'; sessions already signed in stay. The other keys are kept for when it is on again.")
    boolean enabled() default true;

    @AttributeDefinition(description = "The service's keytab file, relative to etc/ (or absolute). Empty: GSSAPI is not offered.")
    String keytab() default "";

    @AttributeDefinition(description = "The service principal whose key the keytab holds, xmpp/<host>@<REALM>.")
    String principal() default "";

    @AttributeDefinition(description = "Realms whose users may sign in. Empty: only the service principal's realm.")
    String[] realms() default {};

    @AttributeDefinition(description = "Regular expression a client principal must match as a whole to have an "
            + "account here; its groups are used by 'localpart'. The default takes one-component principals "
            + "(alice@REALM) and leaves out instances such as alice/admin@REALM.")
    String principalPattern() default "([^/@]+)@([^/@]+)";

    @AttributeDefinition(description = "The account's localpart made from the matched principal: $1..$9 are the "
            + "pattern's groups. The default maps alice@REALM to alice@<domain>.")
    String localpart() default "$1";

    @AttributeDefinition(description = "Sign in only principals whose account exists here (the internal store or a "
            + "directory says so). False: any principal of an allowed realm that maps to a valid name gets an account.")
    boolean requireAccount() default true;
}
