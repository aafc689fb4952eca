package org.parley.api.session;

import java.util.Collection;
import java.util.List;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a JID's sessions are: the session directory routing asks. The session core registers the
 * one for this node's sessions. A cluster bundle registers one with a higher
 * {@code service.ranking} that answers for every node (its remote sessions deliver across the
 * cluster); routing uses the highest-ranked registry, so clustering plugs in here without a
 * change to routing. Thread-safe; results are immutable snapshots, cheap enough for the routing
 * path (no copying on lookup).
 */
@ProviderType
public interface SessionRegistry {
    /** The session bound to this full JID, or null. */
    Session session(EntityFullJid jid);

    /** All bound sessions of one account, available or not. */
    List<Session> sessions(EntityBareJid user);

    /** Every bound session. */
    Collection<Session> all();

    int count();
}
