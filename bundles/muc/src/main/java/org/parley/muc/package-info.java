/**
 * What the multi-user chat bundle offers other bundles: {@link org.parley.muc.RoomAdministration},
 * the operator's view of the rooms (the admin console lists them, their occupants, and destroys
 * them).
 */
@Export
@Version("1.0.0")
package org.parley.muc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
