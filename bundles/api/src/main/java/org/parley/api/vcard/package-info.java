/**
 * vCards (XEP-0054) whose fields an institution's own source owns: a directory supplies the
 * full name, organisation, phone, mail address and photo of its users, and the vCard service
 * shows those fields in place of the user's own.
 */
@Export
@Version("1.0.0")
package org.parley.api.vcard;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
