package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-account sign-in throttling: wrong passwords for one account from many addresses (clients
 * bound to 127.0.0.11 and up, each address failing once, below the per-address threshold) are
 * slowed down once the account's count is passed, the slow-down is logged once, and the owner's
 * right password is still let in at once.
 */
class SignInThrottlingTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static RawXmppClient.SaslOutcome plainFrom(String local, Account account, String password) throws Exception {
        try (RawXmppClient c = server.track(RawXmppClient.connectFrom(local, server.c2sPort()))) {
            c.openStream();
            c.startTls(server.sslContext());
            c.openStream();
            return c.authPlain(account.local(), password);
        }
    }

    @Test
    void wrongPasswordsForOneAccountFromManyAddressesAreSlowedDownAndItsOwnerStillSignsIn() throws Exception {
        Account carol = server.newAccount("thr");
        long offset = server.logSize();
        // accountFailureThreshold 5 by default: five free failures, one per address.
        for (int i = 0; i < 5; i++) {
            assertFalse(plainFrom("127.0.0." + (11 + i), carol, "guess " + i).success());
        }
        long t0 = System.nanoTime();
        assertFalse(plainFrom("127.0.0.16", carol, "guess 5").success());
        long heldMillis = (System.nanoTime() - t0) / 1_000_000;
        // failureDelayBaseMillis 1000: a deliberate delay, so a lower bound holds on any machine.
        assertTrue(heldMillis >= 950, "the sixth failure for the account, from a fresh address, came after " + heldMillis + " ms");
        server.awaitLog(offset, "Sign-in failures for account " + carol.local() + ": more than 5 within 60 s", Duration.ofSeconds(10));
        assertTrue(plainFrom("127.0.0.17", carol, carol.password()).success(), "the owner is not locked out");
        // The success forgot the count: the next failure is not held for the account.
        assertFalse(plainFrom("127.0.0.18", carol, "guess 6").success());
        System.out.println("PER-ACCOUNT THROTTLE: the sixth wrong password (fresh address) was answered after " + heldMillis + " ms");
    }
}
