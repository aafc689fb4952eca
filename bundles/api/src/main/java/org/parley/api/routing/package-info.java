/**
 * Routing stanzas and the services the router binds dynamically: iq handlers, interceptors, components.
 */
@Export
@Version("1.0.0")
package org.parley.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
