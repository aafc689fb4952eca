package org.parley.muc.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.stanza.Element;

/**
 * Where persistent rooms are kept: their configuration, affiliations, subject and recent history. Writes complete when
 * they are durable, in the order they were made.
 */
interface RoomStore {
    /**
     * What is kept of a persistent room.
     *
     * @param idSecret the room's occupant-id secret (XEP-0421), base64; null when it was stored without one
     * @param history the recent groupchat, oldest first
     * @param subject the subject message, or null
     * @param nicks the nicknames affiliated users registered (XEP-0045 section 7.10)
     */
    record StoredRoom(EntityBareJid jid, RoomConfig config, Map<BareJid, Affiliation> affiliations, String idSecret,
            List<History.Entry> history, Element subject, Map<BareJid, String> nicks) {
        StoredRoom(EntityBareJid jid, RoomConfig config, Map<BareJid, Affiliation> affiliations, String idSecret) {
            this(jid, config, affiliations, idSecret, List.of(), null);
        }

        StoredRoom(EntityBareJid jid, RoomConfig config, Map<BareJid, Affiliation> affiliations, String idSecret,
                List<History.Entry> history, Element subject) {
            this(jid, config, affiliations, idSecret, history, subject, Map.of());
        }
    }

    /** Replaces what is kept of the room with this. */
    CompletionStage<Void> save(StoredRoom room);

    /** Adds a groupchat message to the room's stored history and keeps only the newest {@code keep}. */
    CompletionStage<Void> appendHistory(EntityBareJid room, History.Entry entry, int keep);

    /** Forgets the room (destroyed, or no longer persistent). */
    CompletionStage<Void> delete(EntityBareJid room);
}
