/**
 * Client sessions as the session core keeps them: a bound JID, presence, directed presence, an
 * outbound queue; the registry that locates them; and the lifecycle listener contract.
 */
@Export
@Version("1.3.0")
package org.parley.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
