/**
 * Server TLS contexts with the hardened protocol and cipher policy.
 */
@Export
@Version("1.2.0")
package org.parley.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
