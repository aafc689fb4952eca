/**
 * Shared roster groups (as Openfire and ejabberd offer them): groups of accounts an operator or
 * an institution's directory defines, whose members see each other in their rosters under the
 * group's name, with presence both ways and no subscription requests. The roster bundle merges
 * what every {@link org.parley.api.roster.SharedGroupSource} says.
 */
@Export
@Version("1.0.0")
package org.parley.api.roster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
