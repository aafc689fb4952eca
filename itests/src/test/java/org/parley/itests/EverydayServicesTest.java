package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
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
}
