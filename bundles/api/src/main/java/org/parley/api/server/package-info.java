/**
 * Server-wide facilities every bundle may use, provided by the stable-tier {@code server} bundle:
 * the served domain's one parser, the state handoff between a bundle's versions, and the shared
 * pool for blocking work.
 */
@Export
@Version("1.1.0")
package org.parley.api.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
