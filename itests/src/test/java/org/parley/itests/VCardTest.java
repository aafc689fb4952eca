package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * vCards (XEP-0054) and avatar hashes (XEP-0153) from Smack clients: a vCard one user stores
 * another reads; contacts see the photo's hash in presence and a changed photo's new hash; what
 * may not be stored is refused and changes nothing; and the bundle replaced under connected
 * clients keeps every vCard and answers what was asked meanwhile.
 */
class VCardTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String UPDATE = "vcard-temp:x:update";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static byte[] png(int size, int seed) {
        byte[] b = new byte[size];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        System.arraycopy(magic, 0, b, 0, magic.length);
        for (int i = magic.length; i < size; i++) {
            b[i] = (byte) (i * seed);
        }
        return b;
    }

    /** The photo hashes in the available presence {@code to} received from {@code from}, in order. */
    private static List<String> photoHashes(XMPPTCPConnection to, XMPPTCPConnection from) {
        List<String> hashes = new CopyOnWriteArrayList<>();
        to.addSyncStanzaListener(s -> {
            StandardExtensionElement x = (StandardExtensionElement) s.getExtensionElement("x", UPDATE);
            StandardExtensionElement photo = x == null ? null : x.getFirstElement("photo");
            String hash = photo == null ? null : photo.getText();
            hashes.add(x == null ? "(none)" : photo == null ? "(no photo element)" : hash == null ? "" : hash);
        }, s -> s instanceof Presence p && p.isAvailable() && from.getUser().equals(p.getFrom()));
        return hashes;
    }

    private static void sendStatus(XMPPTCPConnection c, String status) throws Exception {
        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().setStatus(status).build());
    }

    @Test
    void aVCardOneStoresAnotherReads_andContactsSeeThePhotosHash() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "vcard");
        assertTrue(ServiceDiscoveryManager.getInstanceFor(p.alice()).serverSupportsFeature("vcard-temp"));
        VCardManager aliceCards = VCardManager.getInstanceFor(p.alice());
        VCardManager bobCards = VCardManager.getInstanceFor(p.bob());
        assertTrue(bobCards.loadVCard(p.aliceAccount().bareJid()).getFirstName() == null, "nothing stored yet: an empty vCard");

        List<String> bobSees = photoHashes(p.bob(), p.alice());
        sendStatus(p.alice(), "no avatar yet");
        RosterTest.await("bob sees her presence", () -> !bobSees.isEmpty());
        assertEquals("", bobSees.get(bobSees.size() - 1), "an empty photo element: she has no avatar");

        VCard mine = new VCard();
        mine.setFirstName("Alice");
        mine.setLastName("Liddell");
        mine.setNickName("al & co");
        byte[] photo = png(4_000, 7);
        mine.setAvatar(photo, "image/png");
        aliceCards.saveVCard(mine);

        VCard read = bobCards.loadVCard(p.aliceAccount().bareJid());
        assertEquals("Alice", read.getFirstName());
        assertEquals("al & co", read.getNickName());
        assertArrayEquals(photo, read.getAvatar());

        int seen = bobSees.size();
        sendStatus(p.alice(), "with avatar");
        RosterTest.await("bob sees her new presence", () -> bobSees.size() > seen);
        assertEquals(read.getAvatarHash(), bobSees.get(bobSees.size() - 1), "the SHA-1 of her photo, as Smack computes it");

        byte[] newer = png(5_000, 13);
        mine.setAvatar(newer, "image/png");
        aliceCards.saveVCard(mine);
        int before = bobSees.size();
        sendStatus(p.alice(), "new avatar");
        RosterTest.await("bob sees the next presence", () -> bobSees.size() > before);
        assertEquals(bobCards.loadVCard(p.aliceAccount().bareJid()).getAvatarHash(), bobSees.get(bobSees.size() - 1));

        // A client that says it is not ready (an empty x) is left alone.
        int last = bobSees.size();
        p.alice().sendStanza(p.alice().getStanzaFactory().buildPresenceStanza().setStatus("busy")
                .addExtension(StandardExtensionElement.builder("x", UPDATE).build()).build());
        RosterTest.await("bob sees it", () -> bobSees.size() > last);
        assertEquals("(no photo element)", bobSees.get(bobSees.size() - 1));
    }

    @Test
    void whatMayNotBeStoredIsRefused_andChangesNothing() throws Exception {
        List<Account> accounts = server.newAccounts("vcard-bad", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "r");
        XMPPTCPConnection mallory = server.login(accounts.get(1), "r");
        VCardManager cards = VCardManager.getInstanceFor(alice);
        VCard mine = new VCard();
        mine.setNickName("Ally");
        cards.saveVCard(mine);

        VCard tooBig = new VCard();
        tooBig.setNickName("big");
        tooBig.setAvatar(png(70_000, 3), "image/png");
        XMPPErrorException big = assertThrows(XMPPErrorException.class, () -> cards.saveVCard(tooBig));
        assertEquals(StanzaError.Condition.not_acceptable, big.getStanzaError().getCondition());
        assertTrue(big.getStanzaError().getDescriptiveText().contains("65536"), big.getStanzaError().getDescriptiveText());

        VCard forged = new VCard();
        forged.setNickName("pwned");
        forged.setType(IQ.Type.set);
        forged.setTo(accounts.get(0).bareJid());
        XMPPErrorException forbidden = assertThrows(XMPPErrorException.class, () -> mallory.sendIqRequestAndWaitForResponse(forged));
        assertEquals(StanzaError.Condition.forbidden, forbidden.getStanzaError().getCondition());

        assertEquals("Ally", VCardManager.getInstanceFor(mallory).loadVCard(accounts.get(0).bareJid()).getNickName());
    }

    @Test
    void theBundleReplacedUnderConnectedClientsKeepsEveryVCard() throws Exception {
        List<Account> accounts = server.newAccounts("vcard-up", 2);
        XMPPTCPConnection alice = server.login(accounts.get(0), "r");
        XMPPTCPConnection bob = server.login(accounts.get(1), "r");
        VCard mine = new VCard();
        mine.setNickName("before the upgrade");
        byte[] photo = png(3_000, 5);
        mine.setAvatar(photo, "image/png");
        VCardManager.getInstanceFor(alice).saveVCard(mine);

        long logBefore = server.logSize();
        String upgraded = Bundles.deployNewerVersion(server, "vcard", "99.0.0");
        // Asked while it is replaced: held for the successor and answered once.
        VCard during = VCardManager.getInstanceFor(bob).loadVCard(accounts.get(0).bareJid());
        assertEquals("before the upgrade", during.getNickName());
        server.awaitLog(logBefore, upgraded, WAIT);

        VCard after = VCardManager.getInstanceFor(bob).loadVCard(accounts.get(0).bareJid());
        assertEquals("before the upgrade", after.getNickName());
        assertArrayEquals(photo, after.getAvatar());
        assertTrue(alice.isConnected() && bob.isConnected(), "nobody was disconnected");
    }
}
