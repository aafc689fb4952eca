package org.parley.ldap.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.parley.ldap}: which directory, how to reach it and whom it holds. */
@ObjectClassDefinition(id = LdapConfig.PID, name = "Parley LDAP directory",
        description = "Sign-in with the directory password and the directory's users as accounts. "
                + "Without 'urls' the directory is not used.")
public @interface LdapConfig {
    String PID = "org.parley.ldap";

    @AttributeDefinition(description = "Switches the directory provider on and off live. Off: its services are withdrawn "
            + "(PLAIN no longer asks the directory, its users are no longer accounts, its vCard fields and groups are gone, "
            + "'bin/parley status' no longer lists it); sessions already signed in stay. The other keys are kept.")
    boolean enabled() default true;

    @AttributeDefinition(description = "Directory servers in order of preference, ldaps://host[:636] or "
            + "ldap://host[:389] (with StartTLS); the next is used when one is down. Empty: no directory.")
    String[] urls() default {};

    @AttributeDefinition(description = "Upgrade ldap:// connections with StartTLS before anything is sent. "
            + "Off only for a directory on the same host: passwords then cross the connection in clear.")
    boolean startTls() default true;

    @AttributeDefinition(description = "PEM file of the CA certificate(s) the directory's certificate must chain to, "
            + "relative to etc/. Empty: the JVM's trusted CAs. The host name in the URL must match the certificate.")
    String caCertificate() default "";

    @AttributeDefinition(description = "DN the server binds as to search for users. Empty: anonymous search.")
    String bindDn() default "";

    @AttributeDefinition(description = "Password of bindDn.", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String bindPassword() default "";

    @AttributeDefinition(description = "Where users are searched (the whole subtree).")
    String baseDn() default "";

    @AttributeDefinition(description = "RFC 4515 filter an entry must match to be an account here, e.g. "
            + "(&(objectClass=inetOrgPerson)(mail=*))")
    String userFilter() default "(objectClass=inetOrgPerson)";

    @AttributeDefinition(description = "Attribute holding the username (the JID's local part).")
    String usernameAttribute() default "uid";

    // min and max as LdapSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "100", max = "120000", description = "Milliseconds to open a connection (TCP, TLS and the service bind) to one server.")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(min = "100", max = "300000", description = "Milliseconds to wait for one answer of the directory before trying the next server.")
    int timeoutMillis() default 5000;

    @AttributeDefinition(min = "1", max = "1000", description = "Open connections kept per server.")
    int maxConnections() default 8;

    @AttributeDefinition(min = "1", max = "3600", description = "Seconds a server that failed is passed over before it is tried again.")
    int retrySeconds() default 10;

    @AttributeDefinition(min = "0", max = "86400", description = "Seconds a found user is remembered (0: not at all).")
    int cacheSeconds() default 60;

    @AttributeDefinition(min = "0", max = "60", description = "Seconds an unknown name is remembered, at most 60, so that a new directory "
            + "account can sign in within a minute.")
    int negativeCacheSeconds() default 30;

    @AttributeDefinition(description = "Answer vCard requests (XEP-0054) for directory users from their entries, "
            + "read-only. Each vcard* key names the attribute of one field; empty leaves the field out.")
    boolean vcards() default true;

    @AttributeDefinition(description = "Attribute of the vCard's full name (FN).")
    String vcardFullName() default "cn";

    @AttributeDefinition(description = "Attribute of the given name (N/GIVEN).")
    String vcardGivenName() default "givenName";

    @AttributeDefinition(description = "Attribute of the family name (N/FAMILY).")
    String vcardFamilyName() default "sn";

    @AttributeDefinition(description = "Attribute of the email address (EMAIL/USERID).")
    String vcardEmail() default "mail";

    @AttributeDefinition(description = "Attribute of the organisation (ORG/ORGNAME).")
    String vcardOrganisation() default "o";

    @AttributeDefinition(description = "Attribute of the organisational unit (ORG/ORGUNIT).")
    String vcardUnit() default "ou";

    @AttributeDefinition(description = "Attribute of the job title (TITLE).")
    String vcardTitle() default "title";

    @AttributeDefinition(description = "Attribute of the work phone number (TEL/NUMBER).")
    String vcardPhone() default "telephoneNumber";

    @AttributeDefinition(description = "Binary attribute of the photo, JPEG or PNG (PHOTO).")
    String vcardPhoto() default "jpegPhoto";

    @AttributeDefinition(min = "0", max = "1048576", description = "Largest photo published, in bytes; a larger one is left out of the vCard.")
    int vcardMaxPhotoBytes() default 65536;

    // Shared roster groups from directory groups (read by DirectoryGroups; the roster bundle shows them).

    @AttributeDefinition(description = "DN under which groups are searched for shared roster groups. Empty: no groups from the directory.")
    String groupBaseDn() default "";

    @AttributeDefinition(description = "RFC 4515 filter selecting the groups to share.")
    String groupFilter() default "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";

    @AttributeDefinition(description = "Attribute of a group holding the roster group name members see.")
    String groupNameAttribute() default "cn";

    @AttributeDefinition(description = "Attribute of a group naming its members: a DN (member, uniqueMember) or a username (memberUid).")
    String groupMemberAttribute() default "member";

    @AttributeDefinition(min = "10", max = "86400", description = "Seconds between two reads of the groups; a change reaches online members' rosters then.")
    int groupRefreshSeconds() default 300;

    // DS puts this value in the provider's service properties, where auth's PLAIN chain reads it.
    @AttributeDefinition(name = "service.ranking", min = "-1000000", max = "1000000", description = "Where PLAIN asks this provider: "
            + "highest first; the first that knows the user decides (a wrong password there is final). The internal "
            + "account store is -1000, the password file -1500, a directory -2000. Applies live; 'bin/parley status' "
            + "shows the order.")
    int service_ranking() default LdapProvider.RANKING;
}
