package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.field;
import static org.parley.muc.internal.Service.iq;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.submit;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** The institution's name-space policy: who creates rooms, and who makes them persistent. */
class CreatorPolicyTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";

    private static MucSettings restricted(String creators, String persistentCreators) {
        MucSettings d = MucSettings.DEFAULTS;
        return new MucSettings(d.subdomain(), d.serviceName(), d.maxOccupants(), d.historyLength(), d.maxHistoryLength(),
                d.nonAnonymousByDefault(), CreatorPolicy.parse("roomCreators", creators),
                CreatorPolicy.parse("persistentRoomCreators", persistentCreators));
    }

    @Test
    void onlyListedAccountsCreateRoomsAndOthersStillEnterThem() {
        Service service = new Service(restricted("alice@example.org", "*"));
        List<Stanza> r = service.send(join(BOB, "new@" + Service.DOMAIN + "/Bob"));
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, r.get(0).errorCondition());
        assertTrue(service.muc.rooms().isEmpty());
        service.instantRoom(ALICE, "new", "Alice");
        assertFalse(service.send(join(BOB, "new@" + Service.DOMAIN + "/Bob")).get(0).isError(), "entering an existing room is not creating it");
    }

    @Test
    void onlyListedAccountsMakeRoomsPersistentAndThePolicyChangesLive() {
        Service service = new Service(restricted("*", "admin@example.org"));
        service.instantRoom(ALICE, "room", "Alice");
        Stanza refused = service.send(iq(ALICE, "room@" + Service.DOMAIN, "set", submit(field(RoomForms.PERSISTENT, "1")))).get(0);
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, refused.errorCondition());
        assertTrue(service.store.rooms.isEmpty());
        service.muc.settings(restricted("*", "admin@example.org, alice@example.org"));
        Stanza ok = service.send(iq(ALICE, "room@" + Service.DOMAIN, "set", submit(field(RoomForms.PERSISTENT, "1")))).get(0);
        assertEquals("result", ok.type());
        assertEquals(1, service.store.rooms.size());
    }

    @Test
    void aListThatNamesNoAccountIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CreatorPolicy.parse("roomCreators", "alice@example.org, example.org"));
        assertTrue(e.getMessage().contains("roomCreators"), e.getMessage());
        assertTrue(CreatorPolicy.parse("roomCreators", "").accounts().isEmpty(), "an empty list lets nobody");
        assertFalse(CreatorPolicy.parse("roomCreators", "").allows(JidCreate.bareFromOrThrowUnchecked("alice@example.org")));
    }
}
