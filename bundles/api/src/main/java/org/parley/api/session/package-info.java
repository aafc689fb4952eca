/**
 * Client sessions as the session core keeps them: a bound JID, presence, directed presence, an
 * outbound queue; the registry that locates them; the lifecycle listener contract; and what software
 * each client runs (XEP-0092, 1.4).
 */
@Export
@Version("1.4.0")
package org.parley.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
