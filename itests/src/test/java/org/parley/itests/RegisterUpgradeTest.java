package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.iqregister.packet.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.parts.Localpart;

/**
 * The register bundle replaced live under a signed-in client and a client that has not signed in,
 * both asking for the registration form all the while: every request is answered once, with a
 * result; no stream ends; and the per-address creation counts go to the new version, so the
 * upgrade gives the address no fresh allowance.
 */
class RegisterUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADDRESS = "127.0.0.5";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("org.parley.register.cfg", "accountCreation", true)
            .set("org.parley.register.cfg", "maxPerAddress", 3)
            .build();

    private static String newName() {
        return "up-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    }

    @Test
    void requestsDuringTheSwapAreAnsweredOnceAndTheCountsCarryOver() throws Exception {
        Account alice = server.newAccount("reg-up");
        XMPPTCPConnection desk = server.login(alice, "desk");
        XMPPTCPConnection fresh = server.newConnection(server.smackConfig(new Account("nobody", "unused", ParleyServer.DOMAIN), "up")
                .setSocketFactory(new LocalAddressSocketFactory(ADDRESS)).build());
        fresh.connect();
        List<String> ended = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection c : List.of(desk, fresh)) {
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    ended.add(e.toString());
                }
            });
        }
        AccountManager accounts = AccountManager.getInstance(fresh);
        String first = newName();
        String second = newName();
        accounts.createAccount(Localpart.from(first), "secret-1");
        accounts.createAccount(Localpart.from(second), "secret-2");

        long offset = server.logSize();
        String upgraded = Bundles.deployNewerVersion(server, "register", "99.0.0");
        int sent = 0;
        int answered = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        int afterUpgrade = 0;
        // Ask until a few rounds after the new version is in, so that some requests meet the swap.
        while (afterUpgrade < 3 && System.nanoTime() < deadline) {
            if (server.logSince(offset).contains(upgraded)) {
                afterUpgrade++;
            }
            Registration signedIn = new Registration();
            signedIn.setTo(desk.getXMPPServiceDomain());
            sent++;
            IQ a = desk.sendIqRequestAndWaitForResponse(signedIn);
            assertEquals(IQ.Type.result, a.getType());
            answered++;
            Registration before = new Registration();
            before.setTo(fresh.getXMPPServiceDomain());
            sent++;
            IQ b = fresh.createStanzaCollectorAndSend(new StanzaIdFilter(before.getStanzaId()), before).nextResultOrThrow();
            assertNotNull(((Registration) b).getAttributes());
            answered++;
        }
        server.awaitLog(offset, upgraded, WAIT);
        assertEquals(sent, answered);
        assertTrue(server.logSince(offset).contains("Registration: took over the creation counts of"), server.logSince(offset));

        // The address had used two of its three: one more, then refused.
        String third = newName();
        accounts.createAccount(Localpart.from(third), "secret-3");
        XMPPErrorException refused = assertThrows(XMPPErrorException.class,
                () -> accounts.createAccount(Localpart.from(newName()), "secret-4"));
        assertEquals(StanzaError.Condition.resource_constraint, refused.getStanzaError().getCondition());

        assertTrue(ended.isEmpty(), ended.toString());
        Xmpp.pingServer(desk);
        AccountManager.getInstance(desk).changePassword("after-the-upgrade");
        Xmpp.pingServer(server.login(alice.withPassword("after-the-upgrade")));
        fresh.login(third, "secret-3");
        Xmpp.pingServer(fresh);
        for (String[] created : List.of(new String[] {first, "secret-1"}, new String[] {second, "secret-2"})) {
            Xmpp.pingServer(server.login(new Account(created[0], created[1], ParleyServer.DOMAIN)));
        }
        assertFalse(server.logSince(offset).contains("ERROR"), server.logSince(offset));
        assertTrue(sent >= 6, "requests sent around the swap: " + sent);
    }
}
