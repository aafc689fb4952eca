package org.parley.muc.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jxmpp.jid.EntityBareJid;

/** Keeps persistent rooms in a map, durable at once: the room logic's tests see what it stores. */
final class MemoryRoomStore implements RoomStore {
    final Map<EntityBareJid, StoredRoom> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> save(StoredRoom room) {
        rooms.put(room.jid(), room);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> appendHistory(EntityBareJid room, History.Entry entry, int keep) {
        rooms.computeIfPresent(room, (jid, r) -> {
            java.util.List<History.Entry> h = new java.util.ArrayList<>(r.history());
            h.add(entry);
            while (h.size() > keep) {
                h.remove(0);
            }
            return new StoredRoom(r.jid(), r.config(), r.affiliations(), r.idSecret(), List.copyOf(h), r.subject(), r.nicks());
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> delete(EntityBareJid room) {
        rooms.remove(room);
        return CompletableFuture.completedFuture(null);
    }

    List<StoredRoom> all() {
        return List.copyOf(rooms.values());
    }
}
