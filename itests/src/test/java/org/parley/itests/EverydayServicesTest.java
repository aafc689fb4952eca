package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.caps.EntityCapsManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqlast.packet.LastActivity;
import org.jivesoftware.smackx.time.EntityTimeManager;
import org.jivesoftware.smackx.time.packet.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client asks the server for at sign-in, as Smack's own managers ask it: features, time, uptime. */
class EverydayServicesTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void theServerAnnouncesWhatClientsLookFor() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("everyday"));
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(Xmpp.SERVER);
        for (String feature : List.of("urn:xmpp:ping", "jabber:iq:version", "jabber:iq:roster", "urn:xmpp:blocking", "urn:xmpp:carbons:2",
                "jabber:iq:private", "urn:xmpp:time", "jabber:iq:last", "http://jabber.org/protocol/offline")) {
            assertTrue(info.containsFeature(feature), feature + " in " + info.toXML());
        }
    }

    /** XEP-0115: the stream features carry the server's capabilities, and their node answers what they hash. */
    @Test
    void theServerOffersItsCapabilitiesAndTheyVerify() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("everyday-caps"));
        EntityCapsManager.NodeVerHash caps = EntityCapsManager.getNodeVerHashByJid(Xmpp.SERVER);
        assertTrue(caps != null, "Smack read the caps element of the stream features");
        assertEquals("sha-1", caps.getHash());
        DiscoverInfo byNode = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(Xmpp.SERVER, caps.getNodeVer());
        assertTrue(EntityCapsManager.verifyDiscoverInfoVersion(caps.getVer(), caps.getHash(), byNode),
                "Smack's own check of the verification string against " + byNode.toXML());
        assertTrue(byNode.containsFeature("urn:xmpp:ping"), byNode.toXML().toString());
    }

    @Test
    void theServerTellsItsTimeAndUptime() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("everyday-time"));
        Instant before = Instant.now().minusSeconds(2);
        Time time = EntityTimeManager.getInstanceFor(c).getTime(Xmpp.SERVER);
        Instant serverTime = time.getTime().toInstant();
        assertTrue(!serverTime.isBefore(before) && serverTime.isBefore(Instant.now().plusSeconds(2)), "server time " + serverTime);
        long uptime = LastActivityManager.getInstanceFor(c).getLastActivity(Xmpp.SERVER).getIdleTime();
        assertTrue(uptime >= 0 && uptime < Duration.ofHours(1).toSeconds(), "uptime " + uptime);
    }

    /**
     * XEP-0012 asked of an account: 0 while the contact is online, then how long since they left
     * and their parting status; refused to someone who may not see their presence. The server's
     * own uptime is answered by another bundle under the same namespace.
     */
    @Test
    void aContactsLastActivityIsForThoseWhoSeeTheirPresence() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "last");
        LastActivityManager aliceAsks = LastActivityManager.getInstanceFor(p.alice());
        assertEquals(0, aliceAsks.getLastActivity(p.bobAccount().bareJid()).getIdleTime(), "bob is online");

        // Smack's disconnect sends this unavailable presence as its last word.
        p.bob().disconnect(p.bob().getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable)
                .setStatus("gone to the library").build());
        RosterTest.await("alice sees bob leave", () -> !Roster.getInstanceFor(p.alice()).getPresence(p.bobAccount().bareJid()).isAvailable());
        LastActivity last = aliceAsks.getLastActivity(p.bobAccount().bareJid());
        assertTrue(last.getIdleTime() >= 0 && last.getIdleTime() < 60, "seconds " + last.getIdleTime());
        assertEquals("gone to the library", last.getStatusMessage());

        XMPPTCPConnection stranger = server.login(server.newAccount("last-stranger"));
        XMPPErrorException refused = assertThrows(XMPPErrorException.class,
                () -> LastActivityManager.getInstanceFor(stranger).getLastActivity(p.bobAccount().bareJid()));
        assertEquals(StanzaError.Condition.forbidden, refused.getStanzaError().getCondition());
        long uptime = LastActivityManager.getInstanceFor(stranger).getLastActivity(Xmpp.SERVER).getIdleTime();
        assertTrue(uptime >= last.getIdleTime(), "the server's uptime, not a user's: " + uptime);
    }
}
