/**
 * XEP-0133 Service Administration: the admin commands (over the adhoc bundle's XEP-0050
 * dispatcher), the message of the day, and the same operations for the shell.
 */
package org.parley.serviceadmin.internal;
