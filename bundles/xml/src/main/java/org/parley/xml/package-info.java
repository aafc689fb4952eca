/**
 * XMPP stream parsing (non-blocking, into the api's immutable {@link org.parley.api.stanza.Element}
 * model) and serialization (RFC 6120 sections 4 and 11).
 */
@Export
@Version("1.2.0")
package org.parley.xml;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
