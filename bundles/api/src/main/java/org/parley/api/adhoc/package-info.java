/**
 * XEP-0050 ad-hoc commands as services: a bundle offers a command by registering an
 * {@link org.parley.api.adhoc.AdHocCommand}; the {@code adhoc} bundle lists it in service
 * discovery, runs its stages and keeps its sessions, so every command follows the same protocol
 * rules and no two bundles compete for the commands namespace.
 */
@Export
@Version("1.0.0")
package org.parley.api.adhoc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
