package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.item;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.presence;
import static org.parley.muc.internal.Service.statuses;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** The rooms handed to the successor of the bundle: the successor goes on as if nothing happened. */
class HandoffTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String CAROL = "carol@example.org/web";
    static final String ROOM = "lounge@" + Service.DOMAIN;

    @Test
    void theSuccessorHasEveryRoomOccupantRoleHistoryAndSubject() {
        Service before = new Service();
        before.instantRoom(ALICE, "lounge", "Alice");
        before.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.MODERATED, "1"), field(RoomForms.NAME, "The lounge"))));
        before.send(join(BOB, ROOM + "/Bob"));
        before.send(presence(BOB, ROOM + "/Bob", Element.builder("status", Namespaces.CLIENT).text("busy").build()));
        before.send(message(ALICE, ROOM, "groupchat", "one"));
        before.send(message(ALICE, ROOM, "groupchat", "two"));
        before.send(Element.builder("message", Namespaces.CLIENT).attribute("from", ALICE).attribute("to", ROOM)
                .attribute("type", "groupchat").textChild("subject", "Today").build());
        before.send(join(ALICE, "locked@" + Service.DOMAIN + "/Alice"));

        Map<String, Object> snapshot = RoomSnapshots.snapshot(before.muc);
        assertOnlyJdkAndApiValues(snapshot);
        Service after = new Service();
        int[] restored = RoomSnapshots.restore(after.muc, snapshot);
        assertEquals(2, restored[0]);
        assertEquals(3, restored[1]);

        // The same people in the same roles: Bob, a visitor, still may not speak; Alice's message reaches both.
        assertEquals(StanzaErrorCondition.FORBIDDEN, after.send(message(BOB, ROOM, "groupchat", "hi")).get(0).errorCondition());
        List<Stanza> r = after.send(message(ALICE, ROOM, "groupchat", "three"));
        assertEquals(List.of(ALICE, BOB), r.stream().map(s -> s.to().toString()).toList());
        assertEquals(StanzaErrorCondition.CONFLICT, after.send(join(CAROL, ROOM + "/Bob")).get(0).errorCondition());

        List<Stanza> carol = to(after.send(join(CAROL, ROOM + "/Carol")), CAROL);
        Stanza bobSeen = carol.stream().filter(s -> s.from().toString().equals(ROOM + "/Bob")).findFirst().orElseThrow();
        assertEquals("busy", bobSeen.element().childText("status"), "the presence Bob last sent is kept");
        assertEquals("visitor", item(bobSeen).attribute("role"));
        assertEquals(List.of("one", "two", "three"), carol.stream().map(s -> s.element().childText("body")).filter(b -> b != null).toList());
        assertEquals("Today", carol.get(carol.size() - 1).element().childText("subject"));
        assertEquals("The lounge", after.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM)).config().name());
        assertEquals(Affiliation.OWNER, after.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM))
                .affiliation(JidCreate.bareFromOrThrowUnchecked("alice@example.org")));

        // The room still locked before stays locked to others.
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, after.send(join(BOB, "locked@" + Service.DOMAIN + "/Bob")).get(0).errorCondition());
        assertFalse(statuses(to(after.send(presence(ALICE, ROOM + "/Alice")), ALICE).get(0)).contains(201), "nothing is created anew");
    }

    @Test
    void aSnapshotOfAnotherFormatOrServiceIsNone() {
        Service after = new Service();
        assertEquals(0, RoomSnapshots.restore(after.muc, Map.of("format", 99, "rooms", List.of()))[0]);
        Service before = new Service();
        before.instantRoom(ALICE, "lounge", "Alice");
        Map<String, Object> other = new java.util.HashMap<>(RoomSnapshots.snapshot(before.muc));
        other.put("domain", "chat.example.org");
        assertEquals(0, RoomSnapshots.restore(after.muc, other)[0]);
        assertTrue(after.muc.rooms().isEmpty());
    }

    @Test
    void aRoomThatDoesNotReadIsLeftOutAndTheOthersCome() {
        Service before = new Service();
        before.instantRoom(ALICE, "lounge", "Alice");
        Map<String, Object> snapshot = RoomSnapshots.snapshot(before.muc);
        List<Object> rooms = new java.util.ArrayList<>((List<?>) snapshot.get("rooms"));
        rooms.add(Map.of("jid", "not a jid@@", "config", Map.of()));
        Service after = new Service();
        assertEquals(1, RoomSnapshots.restore(after.muc, Map.of("format", 1, "domain", Service.DOMAIN, "rooms", rooms))[0]);
    }

    /** What StateHandoff accepts: JDK values and api elements, nothing of this bundle. */
    static void assertOnlyJdkAndApiValues(Object snapshot) {
        Deque<Object> todo = new ArrayDeque<>(List.of(snapshot));
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            String name = o.getClass().getName();
            assertTrue(name.startsWith("java.") || name.startsWith("org.parley.api."), "not a JDK or api value: " + name);
            if (o instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    todo.push(k);
                    todo.push(v);
                });
            } else if (o instanceof Collection<?> c) {
                c.forEach(todo::push);
            } else if (o instanceof Element e) {
                for (Node n : e.children()) {
                    todo.push(n);
                }
            }
        }
    }
}
