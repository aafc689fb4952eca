/**
 * XEP-0045 multi-user chat: the rooms, their occupants and history, and the component that puts
 * them on {@code conference.<domain>}. Private to the bundle.
 */
package org.parley.muc.internal;
