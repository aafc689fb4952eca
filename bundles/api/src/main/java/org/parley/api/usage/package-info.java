/**
 * The service's usage figures: the traffic counters the session core keeps, and the figures an
 * institution reports (online users, stanzas per second, logins, distinct users per week) with
 * their recent history, for the admin console and for monitoring.
 */
@Export
@Version("1.1.0")
package org.parley.api.usage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
