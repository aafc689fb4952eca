package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Shared roster groups from directory groups: the ldap feature against a real directory
 * (UnboundID over ldaps with a test CA) whose groupOfNames become shared roster groups of the
 * directory users who are accounts; a member added in the directory reaches online members'
 * rosters at the next read.
 */
class LdapSharedGroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String GROUPS = "ou=groups," + TestDirectory.BASE;
    private static final TestDirectory.TestCa CA;
    private static final TestDirectory DIRECTORY;
    private static final Path CA_PEM;

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
        try {
            CA = new TestDirectory.TestCa();
            DIRECTORY = new TestDirectory(CA, true);
            CA_PEM = CA.writeCaPem(Files.createTempDirectory("ldap-ca").resolve("ca.pem"));
            DIRECTORY.addPerson("dana", "dana directory pw", true);
            DIRECTORY.addPerson("eve", "eve directory pw", true);
            DIRECTORY.addPerson("fay", "fay directory pw", true);
            DIRECTORY.addPerson("gus", "gus directory pw", false); // no mail: not an account here
            DIRECTORY.server.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
            DIRECTORY.server.add("dn: cn=Research," + GROUPS, "objectClass: groupOfNames", "cn: Research",
                    "member: uid=dana," + TestDirectory.PEOPLE, "member: uid=eve," + TestDirectory.PEOPLE,
                    "member: uid=gus," + TestDirectory.PEOPLE);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = LdapSignInTest.ldapServer(ParleyServer.builder(), DIRECTORY.url(), CA_PEM, 2)
            .set("org.parley.ldap.cfg", "groupBaseDn", GROUPS)
            .set("org.parley.ldap.cfg", "groupRefreshSeconds", 10)
            .build();

    @BeforeAll
    static void groupsRead() throws Exception {
        server.awaitLog(0, "Shared roster groups from the directory: 'Research'", Duration.ofSeconds(60));
    }

    private static XMPPTCPConnection login(String user) throws Exception {
        return server.login(LdapSignInTest.plain(server, user, user + " directory pw", "desk"));
    }

    @Test
    void directoryGroupMembersSeeEachOtherAndANewMemberIsPushed() throws Exception {
        XMPPTCPConnection dana = login("dana");
        XMPPTCPConnection eve = login("eve");
        Roster danas = Roster.getInstanceFor(dana);
        danas.reloadAndWait();
        BareJid eveJid = JidCreate.entityBareFrom("eve@" + ParleyServer.DOMAIN);
        BareJid fayJid = JidCreate.entityBareFrom("fay@" + ParleyServer.DOMAIN);
        RosterEntry e = danas.getEntry(eveJid);
        assertEquals(RosterPacket.ItemType.both, e.getType());
        assertEquals("Research", e.getGroups().get(0).getName());
        assertEquals(1, danas.getEntries().size(), "gus is no account, so not in the group: " + danas.getEntries());
        RosterTest.await("dana sees eve online", () -> danas.getPresence(eveJid).isAvailable());
        Roster eves = Roster.getInstanceFor(eve);
        eves.reloadAndWait();
        BareJid danaJid = JidCreate.entityBareFrom("dana@" + ParleyServer.DOMAIN);
        RosterTest.await("eve sees dana online", () -> eves.getPresence(danaJid).isAvailable());
        assertNull(danas.getEntry(fayJid));

        DIRECTORY.server.modify("dn: cn=Research," + GROUPS, "changetype: modify", "add: member",
                "member: uid=fay," + TestDirectory.PEOPLE);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (danas.getEntry(fayJid) == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        RosterEntry fay = danas.getEntry(fayJid);
        assertEquals(RosterPacket.ItemType.both, fay == null ? null : fay.getType(), "fay was pushed to dana at the next read");
    }
}
