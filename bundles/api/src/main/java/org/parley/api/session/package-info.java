/**
 * Client sessions as the router sees them: a bound JID, presence priority, and an outbound queue.
 */
@Export
@Version("1.0.0")
package org.parley.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
