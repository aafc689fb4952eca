package org.parley.auth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.parley.auth.external}: how SASL EXTERNAL (XEP-0178) finds the
 * account a client certificate stands for. Whether client certificates are asked for at all, and
 * which authorities issue them, is the tls bundle's {@code clientCaCertificates}.
 */
@ObjectClassDefinition(id = ExternalConfig.PID, name = "Parley SASL EXTERNAL (client certificates)",
        description = "Which names of a trusted client certificate identify the account (XEP-0178).")
public @interface ExternalConfig {
    String PID = "org.parley.auth.external";

    @AttributeDefinition(name = "Identities",
            description = "The certificate names tried in this order; the first kind the certificate has decides. "
                    + "xmppAddr: the subjectAltName's XMPP addresses of the served domain. email: the subjectAltName's "
                    + "rfc822Name, then the subject's emailAddress, when its domain is the served domain or listed in "
                    + "emailDomains. cn: the subject's common name as the username. When none yields a name, "
                    + "identity mappers of other bundles (e.g. a directory) are asked.")
    String[] identities() default {"xmppAddr", "email"};

    @AttributeDefinition(name = "Email domains",
            description = "Mail domains whose addresses map to accounts of the served domain by their local part "
                    + "(e.g. mail.example.edu when the XMPP domain is example.edu). The served domain always counts.")
    String[] emailDomains() default {};

    @AttributeDefinition(name = "Enabled",
            description = "Offer EXTERNAL to clients that present a trusted certificate. false: never offered, "
                    + "applied at once.")
    boolean enabled() default true;
}
