/**
 * Storage SPIs implemented by storage bundles (JDBC today), and the SQL database feature bundles keep their tables in.
 */
@Export
@Version("1.1.0")
package org.parley.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
