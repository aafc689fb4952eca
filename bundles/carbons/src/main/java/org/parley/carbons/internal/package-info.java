/** Message carbons (XEP-0280). Private to the carbons bundle: other bundles need nothing of it. */
package org.parley.carbons.internal;
