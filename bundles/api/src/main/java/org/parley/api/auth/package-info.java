/**
 * SASL negotiation, chainable password providers and user management.
 */
@Export
@Version("1.1.0")
package org.parley.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
