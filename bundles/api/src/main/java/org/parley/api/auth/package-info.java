/**
 * SASL mechanisms as services, identity mapping, chainable password providers, account
 * existence and user management.
 */
@Export
@Version("2.1.0")
package org.parley.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
