/** vCards (XEP-0054) and avatar hashes in presence (XEP-0153). Private to the vcard bundle. */
package org.parley.vcard.internal;
