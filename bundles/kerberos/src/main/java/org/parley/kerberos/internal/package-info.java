/**
 * RFC 4752: SASL GSSAPI with Kerberos V5, over the JDK's own GSS-API and SASL implementations, and
 * the mapping of Kerberos principals to the served domain's accounts.
 */
package org.parley.kerberos.internal;
