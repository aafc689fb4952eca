package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterGroup;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;

/**
 * Shared roster groups from the operator's configuration, with Smack clients: members see each
 * other (subscription both, the group's name) and each other's presence without a request; the
 * user cannot remove them; a live change of the groups reaches online members' rosters and
 * presence; an invalid change is refused naming the key, the groups before it stay.
 */
class SharedRosterGroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final String CFG = "org.parley.roster.sharedgroups.cfg";

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    static void configure(ParleyServer server, String groups) throws Exception {
        Path file = server.base().resolve("etc").resolve(CFG);
        ParleyServer.writeProperties(file, Map.of("groups", groups));
    }

    static String groups(RosterEntry e) {
        return String.join(",", e.getGroups().stream().map(RosterGroup::getName).sorted().toList());
    }

    @Test
    void membersSeeEachOtherAndTheirPresenceWithoutAskingAndCannotRemoveEachOther() throws Exception {
        List<Account> a = server.newAccounts("sg", 3);
        configure(server, "Staff: " + a.get(0).local() + ", " + a.get(1).local());
        XMPPTCPConnection alice = server.login(a.get(0), "phone");
        XMPPTCPConnection bob = server.login(a.get(1), "desk");
        XMPPTCPConnection carol = server.login(a.get(2), "desk");
        Roster alices = Roster.getInstanceFor(alice);
        BareJid bobJid = a.get(1).bareJid();
        RosterTest.await("alice's roster shows bob from the group (the file is read live)", () -> {
            try {
                alices.reloadAndWait();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return alices.getEntry(bobJid) != null;
        });
        RosterEntry entry = alices.getEntry(bobJid);
        assertEquals(RosterPacket.ItemType.both, entry.getType());
        assertEquals("Staff", groups(entry));
        RosterTest.await("alice sees bob online", () -> alices.getPresence(bobJid).isAvailable());
        Roster bobs = Roster.getInstanceFor(bob);
        bobs.reloadAndWait();
        RosterTest.await("bob sees alice online", () -> bobs.getPresence(a.get(0).bareJid()).isAvailable());
        Roster carols = Roster.getInstanceFor(carol);
        carols.reloadAndWait();
        assertTrue(carols.getEntries().isEmpty(), "carol is in no group");

        XMPPErrorException refused = assertThrows(XMPPErrorException.class, () -> alices.removeEntry(entry));
        assertEquals(StanzaError.Condition.not_allowed, refused.getStanzaError().getCondition());
        alices.reloadAndWait();
        assertNotNull(alices.getEntry(bobJid), "bob is still there");

        // A name and a group of her own are hers to give. (createItem, not RosterEntry.setName: Smack's
        // setName echoes subscription='both', which a roster set may not carry, RFC 6121 2.1.2.5.)
        alices.createItem(bobJid, "Bobby", new String[] {"Staff", "Friends"});
        RosterTest.await("the name and her group are pushed back beside the shared one", () -> "Bobby".equals(alices.getEntry(bobJid).getName())
                && alices.getEntry(bobJid).getType() == RosterPacket.ItemType.both && "Friends,Staff".equals(groups(alices.getEntry(bobJid))));

        // A status change reaches bob through the group, as it would through a subscription.
        try (StanzaCollector away = bob.createStanzaCollector(new AndFilter(StanzaTypeFilter.PRESENCE,
                FromMatchesFilter.createFull(alice.getUser())))) {
            alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).setStatus("lunch").build());
            Presence p;
            do {
                p = away.nextResult(WAIT.toMillis());
                assertNotNull(p, "bob got alice's status change");
            } while (!"lunch".equals(p.getStatus()));
        }
    }

    @Test
    void aLiveChangeOfTheGroupsIsPushedToOnlineMembersWithPresence() throws Exception {
        List<Account> a = server.newAccounts("sgl", 3);
        configure(server, "Lab: " + a.get(0).local() + ", " + a.get(1).local());
        XMPPTCPConnection alice = server.login(a.get(0), "phone");
        XMPPTCPConnection bob = server.login(a.get(1), "desk");
        XMPPTCPConnection carol = server.login(a.get(2), "desk");
        Roster alices = Roster.getInstanceFor(alice);
        BareJid bobJid = a.get(1).bareJid();
        BareJid carolJid = a.get(2).bareJid();
        RosterTest.await("alice sees bob", () -> {
            try {
                alices.reloadAndWait();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return alices.getEntry(bobJid) != null && alices.getPresence(bobJid).isAvailable();
        });
        Roster carols = Roster.getInstanceFor(carol);
        carols.reloadAndWait();
        Roster bobs = Roster.getInstanceFor(bob);
        bobs.reloadAndWait();

        configure(server, "Lab: " + a.get(0).local() + ", " + a.get(2).local() + "; Chess: " + a.get(1).local() + ", " + a.get(2).local());

        RosterTest.await("alice's roster gets carol by a push", () -> alices.getEntry(carolJid) != null
                && alices.getEntry(carolJid).getType() == RosterPacket.ItemType.both);
        RosterTest.await("and loses bob", () -> alices.getEntry(bobJid) == null);
        RosterTest.await("carol sees alice (Lab) and bob (Chess)", () -> carols.getEntry(a.get(0).bareJid()) != null
                && carols.getEntry(bobJid) != null && "Chess".equals(groups(carols.getEntry(bobJid))));
        RosterTest.await("alice sees carol online at once", () -> alices.getPresence(carolJid).isAvailable());
        RosterTest.await("bob no longer sees alice online", () -> !bobs.getPresence(a.get(0).bareJid()).isAvailable());
        // the unavailable presence and the roster push that removes alice travel apart: either may come first
        RosterTest.await("nor in his roster", () -> bobs.getEntry(a.get(0).bareJid()) == null);
    }

    @Test
    void anInvalidChangeIsRefusedNamingTheKeyAndTheGroupsBeforeStay() throws Exception {
        List<Account> a = server.newAccounts("sgi", 2);
        configure(server, "Desk: " + a.get(0).local() + ", " + a.get(1).local());
        XMPPTCPConnection alice = server.login(a.get(0), "phone");
        Roster alices = Roster.getInstanceFor(alice);
        RosterTest.await("alice sees bob", () -> {
            try {
                alices.reloadAndWait();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return alices.getEntry(a.get(1).bareJid()) != null;
        });
        long before = server.logSize();
        configure(server, "Desk " + a.get(0).local());
        server.awaitLog(before, "org.parley.roster.sharedgroups: key 'groups'", WAIT);
        alices.reloadAndWait();
        assertNotNull(alices.getEntry(a.get(1).bareJid()), "the groups before the invalid change stay");
    }
}
