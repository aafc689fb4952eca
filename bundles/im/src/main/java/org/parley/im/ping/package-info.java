/**
 * XEP-0199: XMPP Ping. The server answers pings addressed to itself or, on a user's behalf, to
 * the user's bare JID.
 */
package org.parley.im.ping;
