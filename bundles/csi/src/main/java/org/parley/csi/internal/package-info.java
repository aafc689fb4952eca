/** Client state indication (XEP-0352). Private to the csi bundle: other bundles need nothing of it. */
package org.parley.csi.internal;
