/**
 * Storage SPIs implemented by storage bundles (JDBC today).
 */
@Export
@Version("1.0.0")
package org.parley.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
