package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.parley.auth.internal.SaslFixture.challenge;
import static org.parley.auth.internal.SaslFixture.step;
import static org.parley.auth.internal.SaslFixture.success;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramHash;

/**
 * The example exchanges of the RFCs, byte for byte: the server's nonce is injected and the
 * stored credential is derived with the example's salt, so every message is fixed.
 */
class ScramRfcExamplesTest {
    @Test
    void scramSha1FollowsTheExampleOfRfc5802Section5() throws Exception {
        exchange(ScramHash.SHA_1, "SCRAM-SHA-1", "QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j",
                "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    }

    @Test
    void scramSha256FollowsTheExampleOfRfc7677Section3() throws Exception {
        exchange(ScramHash.SHA_256, "SCRAM-SHA-256", "W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
                "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    private static void exchange(ScramHash hash, String mechanism, String salt, String serverNonce,
            String clientFirst, String serverFirst, String clientFinal, String serverFinal) throws Exception {
        try (SaslFixture f = new SaslFixture(AuthSettings.DEFAULTS, () -> serverNonce)) {
            f.store.create("user", List.of(Scram.credential(hash, "pencil", Base64.getDecoder().decode(salt), 4096)));
            SaslNegotiation n = f.start(mechanism, TestSaslContext.plain("192.0.2.1"));

            assertEquals(serverFirst, new String(challenge(step(n, clientFirst)), StandardCharsets.UTF_8));
            SaslStep.Success done = success(step(n, clientFinal));
            assertEquals(serverFinal, new String(done.additionalData(), StandardCharsets.UTF_8));
            assertEquals("user", done.username());
        }
    }
}
