package org.parley.muc.internal;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;

/**
 * Where persistent rooms are kept: their configuration and affiliations. Writes complete when
 * they are durable, in the order they were made.
 */
interface RoomStore {
    /**
     * What is kept of a persistent room.
     *
     * @param idSecret the room's occupant-id secret (XEP-0421), base64; null when it was stored without one
     */
    record StoredRoom(EntityBareJid jid, RoomConfig config, Map<BareJid, Affiliation> affiliations, String idSecret) {
    }

    /** Replaces what is kept of the room with this. */
    CompletionStage<Void> save(StoredRoom room);

    /** Forgets the room (destroyed, or no longer persistent). */
    CompletionStage<Void> delete(EntityBareJid room);
}
