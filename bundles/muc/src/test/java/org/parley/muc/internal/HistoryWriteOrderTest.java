package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.submit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * A persistent room's groupchat message goes to nobody before its history row is stored, and
 * what the room sends after it waits behind it; other rooms go on meanwhile.
 */
class HistoryWriteOrderTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "lounge@" + Service.DOMAIN;

    /** The memory store, but the test decides when each history append (and subject save) is durable. */
    static final class SlowStore implements RoomStore {
        final MemoryRoomStore stored = new MemoryRoomStore();
        final Deque<CompletableFuture<Void>> writes = new ArrayDeque<>();
        boolean slow;

        @Override
        public CompletionStage<Void> save(StoredRoom room) {
            return later(stored.save(room));
        }

        @Override
        public CompletionStage<Void> appendHistory(EntityBareJid room, History.Entry entry, int keep) {
            return later(stored.appendHistory(room, entry, keep));
        }

        @Override
        public CompletionStage<Void> delete(EntityBareJid room) {
            return stored.delete(room);
        }

        private CompletionStage<Void> later(CompletionStage<Void> done) {
            if (!slow) {
                return done;
            }
            CompletableFuture<Void> write = new CompletableFuture<>();
            writes.add(write);
            return write;
        }

        void finishNext() {
            writes.poll().complete(null);
        }

        void failNext() {
            writes.poll().completeExceptionally(new IllegalStateException("the disk is full"));
        }
    }

    private final SlowStore store = new SlowStore();
    private final List<Stanza> sent = new java.util.ArrayList<>();
    private final MucService muc = new MucService(JidCreate.domainBareFromOrThrowUnchecked(Service.DOMAIN), MucSettings.DEFAULTS,
            java.time.Clock.systemUTC(), store, sent::add);

    private List<Stanza> send(Element e) {
        try {
            muc.receive(Stanza.of(e));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
        List<Stanza> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    private List<Stanza> taken() {
        List<Stanza> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    /** Alice's persistent room with Bob in it, every write durable at once until now. */
    private void persistentRoomWithBob() {
        send(join(ALICE, ROOM + "/Alice"));
        send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "1"))));
        send(join(BOB, ROOM + "/Bob"));
        store.slow = true;
    }

    private static List<String> bodies(List<Stanza> stanzas) {
        return stanzas.stream().map(s -> s.to() + ":" + s.element().childText("body")).toList();
    }

    @Test
    void aMessageGoesToNobodyBeforeItsHistoryRowIsStored() {
        persistentRoomWithBob();
        assertTrue(send(message(BOB, ROOM, "groupchat", "stored first")).isEmpty(), "nothing before the write is durable");
        assertEquals(1, store.writes.size());
        store.finishNext();
        assertEquals(List.of(ALICE + ":stored first", BOB + ":stored first"), bodies(taken()));
        assertEquals(1, store.stored.rooms.get(JidCreate.entityBareFromOrThrowUnchecked(ROOM)).history().size());
    }

    @Test
    void whatTheRoomSendsLaterWaitsBehindTheWriteInOrder() {
        persistentRoomWithBob();
        send(message(BOB, ROOM, "groupchat", "one"));
        send(message(ALICE, ROOM, "groupchat", "two"));
        assertTrue(send(join(CAROL, ROOM + "/Carol")).isEmpty(), "carol's join waits behind the room's writes");
        send(message(ALICE, ROOM + "/Bob", "chat", "psst"));
        assertTrue(sent.isEmpty());
        store.finishNext();
        assertEquals(List.of(ALICE + ":one", BOB + ":one"), bodies(taken()), "only what the first write allows");
        store.finishNext();
        List<Stanza> rest = taken();
        assertEquals(ALICE + ":two", bodies(rest).get(0));
        assertEquals(BOB + ":two", bodies(rest).get(1));
        List<String> toCarol = rest.stream().filter(s -> s.to().toString().equals(CAROL)).map(s -> s.element().childText("body"))
                .filter(b -> b != null).toList();
        assertEquals(List.of("one", "two"), toCarol, "carol's history has both, once each");
        assertEquals(BOB + ":psst", bodies(rest).get(rest.size() - 1), "the private message keeps its place");
    }

    @Test
    void anotherRoomIsNotStalled() {
        persistentRoomWithBob();
        send(message(BOB, ROOM, "groupchat", "waiting"));
        send(join(CAROL, "other@" + Service.DOMAIN + "/Carol"));
        send(iq(CAROL, "other@" + Service.DOMAIN, "set", submit()));
        List<Stanza> r = send(message(CAROL, "other@" + Service.DOMAIN, "groupchat", "no wait here"));
        assertEquals(List.of(CAROL + ":no wait here"), bodies(r));
        assertEquals(1, store.writes.size(), "the persistent room still waits");
    }

    @Test
    void aFailedWriteTakesTheMessageBackAndTellsTheSender() {
        persistentRoomWithBob();
        send(message(BOB, ROOM, "groupchat", "lost"));
        send(join(CAROL, ROOM + "/Carol"));
        store.failNext();
        List<Stanza> r = taken();
        Stanza error = r.get(0);
        assertEquals(BOB, error.to().toString());
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, error.errorCondition());
        assertTrue(r.stream().noneMatch(s -> "lost".equals(s.element().childText("body")) && !s.isError()),
                "nobody got the message, carol's history included: " + r);
        assertTrue(r.stream().anyMatch(s -> s.to().toString().equals(CAROL) && s.kind() == Stanza.Kind.PRESENCE), "carol is in");
        Room room = muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
        assertTrue(room.history().entries().isEmpty(), "the history does not keep it");
        store.slow = false;
        assertEquals(3, bodies(send(message(BOB, ROOM, "groupchat", "again"))).size(), "the room goes on");
    }

    @Test
    void aSubjectIsStoredBeforeItIsShown() {
        persistentRoomWithBob();
        Element subject = Element.builder("message", Namespaces.CLIENT).attribute("from", ALICE).attribute("to", ROOM)
                .attribute("type", "groupchat").textChild("subject", "Stored").build();
        assertTrue(send(subject).isEmpty());
        store.finishNext();
        assertEquals(2, taken().stream().filter(s -> "Stored".equals(s.element().childText("subject"))).count());
    }

    @Test
    void aTemporaryRoomSendsAtOnce() {
        send(join(ALICE, ROOM + "/Alice"));
        send(iq(ALICE, ROOM, "set", submit()));
        store.slow = true;
        assertEquals(List.of(ALICE + ":now"), bodies(send(message(ALICE, ROOM, "groupchat", "now"))));
        assertTrue(store.writes.isEmpty());
    }
}
