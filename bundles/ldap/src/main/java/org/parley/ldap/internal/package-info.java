/**
 * Directory sign-on over LDAP (RFC 4511, 4513, 4515): PLAIN passwords checked by a bind as the
 * user, and the directory's users as the server's accounts. Private to this bundle.
 */
package org.parley.ldap.internal;
