/**
 * The immutable XML element model and the XMPP stanza view over it, with RFC 6120 error conditions.
 */
@Export
@Version("1.2.0")
package org.parley.api.stanza;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
