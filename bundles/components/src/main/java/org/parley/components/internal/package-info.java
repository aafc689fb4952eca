/**
 * XEP-0114 external components ({@code jabber:component:accept}): the listener, the handshake,
 * the per-domain connection slot that holds stanzas while a component is away. Private to the
 * bundle.
 */
package org.parley.components.internal;
