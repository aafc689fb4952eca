/**
 * The contract between the transport (sockets, TLS, XML parsing) and the session core.
 */
@Export
@Version("1.2.0")
package org.parley.api.connection;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
