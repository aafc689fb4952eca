package org.parley.api.routing;

import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Sees each stanza once per session it is about to be delivered to, after routing chose the
 * recipients: the place for what depends on the receiving resource (privacy lists that name
 * resources, message carbons, client state indication). Registered as a service; filters run in
 * order of {@code service.ranking}, highest first.
 *
 * <p>Synchronous on purpose: it runs once per recipient, so for a fan-out (presence to a roster,
 * a groupchat message) hundreds of times per stanza, and decides from what it holds in memory.
 * It must not block. A filter may deliver other stanzas itself with {@link Session#deliver}
 * (which does not run the filters again): carbons copies a message to the user's other
 * resources, client state indication holds presence for an inactive client and delivers it later.
 *
 * <p>A filter with the service property {@link StanzaInterceptor#POLICY} {@code true} fails
 * closed: when it throws, the stanza is not delivered to that session.
 */
public interface DeliveryFilter {
    /**
     * @param stanza what routing is about to deliver
     * @param recipient the session it goes to; do not keep it past the call
     * @return the stanza to deliver (the same one, or a rewritten copy), or null to withhold it
     *     from this session
     */
    Stanza filter(Stanza stanza, Session recipient);
}
