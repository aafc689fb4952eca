/**
 * SASL mechanisms as services, identity mapping, chainable password providers, account
 * existence and user management (including disabling accounts).
 */
@Export
@Version("2.2.0")
package org.parley.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
