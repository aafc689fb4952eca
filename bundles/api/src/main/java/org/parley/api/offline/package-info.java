/**
 * Events of offline message storage (XEP-0160) for other bundles: the mail notification hook
 * listens for messages stored for a user who is offline; monitoring reads how much is stored.
 */
@Export
@Version("1.1.0")
package org.parley.api.offline;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
