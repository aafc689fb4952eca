/**
 * Configuration checked before it is applied: a bundle registers a
 * {@link org.parley.api.config.ConfigurationChecker} for each configuration PID it owns, and the
 * admin tools ask it about a proposed configuration before they write it, so an operator is told
 * "refused, and why" instead of "applied" for a value the bundle would then refuse in its log.
 */
@Export
@Version("1.0.0")
package org.parley.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
