/**
 * The mail hook's XEP-0050 command, as an {@link org.parley.api.adhoc.AdHocCommand} service: the
 * adhoc bundle runs it with every other bundle's commands (service administration among them).
 */
package org.parley.mailhook.internal.adhoc;
