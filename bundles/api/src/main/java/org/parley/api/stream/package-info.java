/**
 * Stream features and the top-level elements (nonzas) that negotiate them, contributed by
 * bundles: client state indication, and later SASL2 or Bind2, without editing the session core;
 * and iqs answered before authentication (in-band registration).
 */
@Export
@Version("1.1.0")
package org.parley.api.stream;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
