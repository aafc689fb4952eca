/**
 * Routing stanzas, and the services routing binds dynamically: iq handlers, interceptors,
 * per-recipient delivery filters, the undeliverable-message hook, components, federation.
 */
@Export
@Version("2.2.0")
package org.parley.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
