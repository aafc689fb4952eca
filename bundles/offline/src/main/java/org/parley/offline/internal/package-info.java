/**
 * XEP-0160 offline messages: storage through the undeliverable-message hook, delivery with a
 * XEP-0203 delay stamp at the next available presence, the per-user quota. Private to the bundle.
 */
package org.parley.offline.internal;
