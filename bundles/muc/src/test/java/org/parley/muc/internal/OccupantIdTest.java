package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.leave;
import static org.parley.muc.internal.Service.message;
import static org.parley.muc.internal.Service.presence;
import static org.parley.muc.internal.Service.submit;
import static org.parley.muc.internal.Service.to;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** XEP-0421: a stable, room-specific id of each occupant on what the room sends for them. */
class OccupantIdTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String ROOM = "ids@" + Service.DOMAIN;

    private final Service service = new Service();

    private static String id(Stanza s) {
        Element e = s.element().child("occupant-id", Muc.OCCUPANT_ID);
        return e == null ? null : e.attribute("id");
    }

    private String idOfBobSeenByAlice(Service svc, String room) {
        List<Stanza> r = svc.send(message(BOB, room, "groupchat", "hello"));
        return id(to(r, ALICE).get(0));
    }

    @Test
    void theIdIsTheSameForAUserWhateverTheirNicknameOrSessionAndOnPresenceAndMessages() {
        service.instantRoom(ALICE, "ids", "Alice");
        List<Stanza> joined = service.send(join(BOB, ROOM + "/Bob"));
        String onPresence = id(to(joined, ALICE).get(0));
        assertEquals(onPresence, idOfBobSeenByAlice(service, ROOM));
        service.send(presence(BOB, ROOM + "/Robert"));
        assertEquals(onPresence, idOfBobSeenByAlice(service, ROOM), "a new nickname keeps the id");
        service.send(leave(BOB, ROOM + "/Robert"));
        service.send(join("bob@example.org/laptop", ROOM + "/Bobby"));
        assertEquals(onPresence, id(to(service.send(message("bob@example.org/laptop", ROOM, "groupchat", "x")), ALICE).get(0)),
                "another session of the same user keeps the id");
        String alices = id(to(service.send(message(ALICE, ROOM, "groupchat", "hi")), ALICE).get(0));
        assertNotEquals(onPresence, alices);
    }

    @Test
    void theIdDiffersBetweenRoomsAndAClientCannotForgeIt() {
        service.instantRoom(ALICE, "ids", "Alice");
        service.instantRoom(ALICE, "other", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        service.send(join(BOB, "other@" + Service.DOMAIN + "/Bob"));
        assertNotEquals(idOfBobSeenByAlice(service, ROOM), idOfBobSeenByAlice(service, "other@" + Service.DOMAIN));
        Element forged = Element.builder("message", Namespaces.CLIENT).attribute("from", BOB).attribute("to", ROOM)
                .attribute("type", "groupchat").textChild("body", "I am Alice")
                .child(Element.builder("occupant-id", Muc.OCCUPANT_ID).attribute("id", "forged").build()).build();
        Stanza seen = to(service.send(forged), ALICE).get(0);
        assertEquals(1, seen.element().elements().stream().filter(e -> e.is("occupant-id", Muc.OCCUPANT_ID)).count());
        assertNotEquals("forged", id(seen));
    }

    @Test
    void theIdSurvivesTheHandoffAndAStoredRoomsRestart() {
        service.instantRoom(ALICE, "ids", "Alice");
        service.send(iq(ALICE, ROOM, "set", submit(field(RoomForms.PERSISTENT, "1"))));
        service.send(join(BOB, ROOM + "/Bob"));
        String before = idOfBobSeenByAlice(service, ROOM);

        Service successor = new Service();
        RoomSnapshots.restore(successor.muc, RoomSnapshots.snapshot(service.muc));
        assertEquals(before, idOfBobSeenByAlice(successor, ROOM));

        Service restarted = new Service(MucSettings.DEFAULTS, service.store);
        restarted.muc.restore(service.store.all());
        restarted.send(join(ALICE, ROOM + "/Alice"));
        restarted.send(join(BOB, ROOM + "/Bob"));
        assertEquals(before, idOfBobSeenByAlice(restarted, ROOM));
        Element info = restarted.send(iq(BOB, ROOM, "get", Element.empty("query", Muc.DISCO_INFO))).get(0).payload();
        assertTrue(MucServiceTest.features(info).contains(Muc.OCCUPANT_ID));
    }
}
