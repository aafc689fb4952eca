package org.parley.api.session;

import java.util.Collection;
import java.util.List;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;

/** Looks up the bound sessions of this server. Thread-safe; results are snapshots. */
public interface SessionRegistry {
    /** The session bound to this full JID, or null. */
    Session session(EntityFullJid jid);

    /** All bound sessions of one account, available or not. */
    List<Session> sessions(EntityBareJid user);

    /** Every bound session. */
    Collection<Session> all();

    int count();
}
