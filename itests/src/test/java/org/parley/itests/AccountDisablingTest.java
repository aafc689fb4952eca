package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disabling an account: its sessions end with policy-violation, each sign-in with its right
 * password is refused with account-disabled (RFC 6120 section 6.5.1) whatever the mechanism, a
 * wrong password is told no more than not-authorized, and what it had stays for when it is enabled.
 */
class AccountDisablingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            // The test fails sign-ins on purpose; the failure slow-down would only make it slower.
            .set("org.parley.auth.cfg", "failureThreshold", 1000).build();

    private static String saslFailure(Account account, String mechanism) {
        XMPPTCPConnection c = server.newConnection(server.smackConfig(account, "x").addEnabledSaslMechanism(mechanism).build());
        SASLErrorException e = assertThrows(SASLErrorException.class, () -> {
            c.connect();
            c.login();
        }, account.jid() + " must not sign in with " + mechanism);
        c.disconnect();
        return e.getSASLFailure().getSASLErrorString();
    }

    @Test
    void aDisabledAccountIsSignedOutRefusedEverywhereAndKeepsItsDataUntilEnabled() throws Exception {
        BlockingTest.Pair p = BlockingTest.friends(server, "off");
        Account alice = p.aliceAccount();
        List<String> closed = new CopyOnWriteArrayList<>();
        p.alice().addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.add(e.toString());
            }
        });
        // A second session of hers, on the wire: every session ends, not only one.
        RawXmppClient wire = server.track(server.raw());
        wire.login(alice, "wire", server.sslContext());

        ParleyServer.CliResult r = server.cli("user", "disable", alice.jid());
        assertEquals(0, r.exitCode(), r.toString());
        RosterTest.await("alice's Smack session ends", () -> !closed.isEmpty());
        assertTrue(closed.get(0).contains("policy-violation"), closed.toString());
        wire.await(Pattern.compile("<policy-violation"), WAIT);
        Roster bobRoster = Roster.getInstanceFor(p.bob());
        RosterTest.await("bob sees her go offline", () -> !bobRoster.getPresence(alice.bareJid()).isAvailable());

        for (String mechanism : List.of("SCRAM-SHA-1", "PLAIN")) {
            assertEquals("account-disabled", saslFailure(alice, mechanism), mechanism);
        }
        assertEquals("not-authorized", saslFailure(alice.withPassword("guess"), "PLAIN"),
                "a wrong password does not learn that the account exists");
        ParleyServer.CliResult listed = server.cli("user", "disabled");
        assertTrue(listed.stdout().contains(alice.jid()), listed.toString());
        assertTrue(server.cli("user", "list").stdout().contains(alice.jid()), "the account itself stays");

        // A message sent meanwhile waits offline, as for any account that is not signed in.
        p.bob().sendStanza(Xmpp.chat(p.bob(), alice.bareJid(), "while you were away"));
        Xmpp.pingServer(p.bob());

        assertEquals(0, server.cli("user", "enable", alice.jid()).exitCode());
        XMPPTCPConnection again = server.login(server.smackConfig(alice, "back").setSendPresence(false).build());
        Inbox inbox = Inbox.of(again);
        again.sendStanza(Xmpp.available(again, 0));
        assertEquals("while you were away", inbox.next(WAIT, "the message sent while she was disabled").getBody());
        Roster roster = Roster.getInstanceFor(again);
        roster.reloadAndWait();
        assertNotNull(roster.getEntry(p.bob().getUser().asEntityBareJid()), "her roster is intact");
        assertFalse(server.cli("user", "disabled").stdout().contains(alice.jid()));
    }

    @Test
    void disablingAnUnknownAccountIsAnErrorAndChangesNothing() throws Exception {
        ParleyServer.CliResult r = server.cli("user", "disable", "nobody-here");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no such user"), r.toString());
        Account other = server.newAccount("bystander");
        Xmpp.pingServer(server.login(other, "x"));
        assertFalse(server.cli("user", "disabled").stdout().contains("nobody-here"));
    }
}
