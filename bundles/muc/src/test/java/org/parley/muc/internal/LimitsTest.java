package org.parley.muc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.muc.internal.Service.join;
import static org.parley.muc.internal.Service.message;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** The service's limits on one user (rooms owned, messages sent) and what a deleted account leaves behind. */
class LimitsTest {
    static final String ALICE = "alice@example.org/pc";
    static final String BOB = "bob@example.org/phone";
    static final String ROOM = "lounge@" + Service.DOMAIN;

    private static MucSettings limits(int maxRooms, int burst, int perSecond) {
        MucSettings d = MucSettings.DEFAULTS;
        return new MucSettings(d.subdomain(), d.serviceName(), d.maxOccupants(), d.historyLength(), d.maxHistoryLength(),
                d.nonAnonymousByDefault(), d.roomCreators(), d.persistentRoomCreators(), maxRooms, burst, perSecond);
    }

    @Test
    void aUserOwnsAtMostTheConfiguredNumberOfRooms_andOthersStillEnterTheirs() {
        Service service = new Service(limits(2, 20, 2));
        service.instantRoom(ALICE, "one", "Alice");
        service.instantRoom(ALICE, "two", "Alice");
        List<Stanza> r = service.send(join(ALICE, "three@" + Service.DOMAIN + "/Alice"));
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, r.get(0).errorCondition());
        assertEquals(2, service.muc.rooms().size(), "no third room");
        assertTrue(service.send(join(BOB, "one@" + Service.DOMAIN + "/Bob")).stream().noneMatch(Stanza::isError),
                "entering someone's room is not owning one");
        service.instantRoom(BOB, "bobs", "Bob");
        assertEquals(3, service.muc.rooms().size());
    }

    @Test
    void anOccupantPastTheMessageAllowanceIsSlowedDown_andTheAllowanceComesBack() {
        Service service = new Service(limits(100, 3, 1));
        service.instantRoom(ALICE, "lounge", "Alice");
        service.send(join(BOB, ROOM + "/Bob"));
        for (int i = 0; i < 3; i++) {
            assertEquals(2, service.send(message(BOB, ROOM, "groupchat", "burst " + i)).size(), "to both occupants");
        }
        List<Stanza> refused = service.send(message(BOB, ROOM, "groupchat", "one too many"));
        assertEquals(1, refused.size(), "nobody gets it");
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, refused.get(0).errorCondition());
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT,
                service.send(message(BOB, ROOM + "/Alice", "chat", "whispering instead")).get(0).errorCondition(),
                "private messages count too");
        assertEquals(2, service.send(message(ALICE, ROOM, "groupchat", "alice has her own allowance")).size());

        service.tick(Duration.ofSeconds(1));
        assertEquals(2, service.send(message(BOB, ROOM, "groupchat", "a second later")).size());
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, service.send(message(BOB, ROOM, "groupchat", "again")).get(0).errorCondition());
    }

    @Test
    void aDeletedAccountLosesEveryAffiliation() {
        Service service = new Service();
        service.instantRoom(ALICE, "lounge", "Alice");
        service.instantRoom(BOB, "bobs", "Bob");
        assertEquals(1, service.muc.accountDeleted(JidCreate.bareFromOrThrowUnchecked("alice@example.org")));
        Room lounge = service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked(ROOM));
        assertEquals(Affiliation.NONE, lounge.affiliation(JidCreate.bareFromOrThrowUnchecked("alice@example.org")));
        Room bobs = service.muc.rooms().get(JidCreate.entityBareFromOrThrowUnchecked("bobs@" + Service.DOMAIN));
        assertEquals(Affiliation.OWNER, bobs.affiliation(JidCreate.bareFromOrThrowUnchecked("bob@example.org")), "others keep theirs");
    }

    @Test
    void limitsThatCannotWorkAreRefusedByKey() {
        for (String key : List.of("maxRoomsPerUser", "messageBurst", "messagesPerSecond")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MucSettings.from(config(key, 0)));
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
    }

    private static MucConfig config(String zeroKey, int value) {
        return new MucConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MucConfig.class;
            }

            @Override
            public String subdomain() {
                return "conference";
            }

            @Override
            public String serviceName() {
                return "Chatrooms";
            }

            @Override
            public int maxOccupants() {
                return 500;
            }

            @Override
            public int historyLength() {
                return 20;
            }

            @Override
            public int maxHistoryLength() {
                return 200;
            }

            @Override
            public boolean nonAnonymousByDefault() {
                return false;
            }

            @Override
            public String roomCreators() {
                return "*";
            }

            @Override
            public String persistentRoomCreators() {
                return "*";
            }

            @Override
            public int maxRoomsPerUser() {
                return zeroKey.equals("maxRoomsPerUser") ? value : 100;
            }

            @Override
            public int messageBurst() {
                return zeroKey.equals("messageBurst") ? value : 20;
            }

            @Override
            public int messagesPerSecond() {
                return zeroKey.equals("messagesPerSecond") ? value : 2;
            }
        };
    }
}
