package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

class ScramAuthPasswordTest {
    /**
     * The credentials of the RFC 5802 and RFC 7677 examples (user "user", password "pencil"),
     * written in the RFC 5803 form by Python's hashlib and hmac, not by this code.
     */
    private static final String RFC5802_EXAMPLE =
            "SCRAM-SHA-1$4096:QSXCR+Q6sek8bf92$6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fTE=";
    private static final String RFC7677_EXAMPLE = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
            + "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

    private static final String SHA1_KEY = b64(20);
    private static final String SHA256_KEY = b64(32);

    private static String b64(int bytes) {
        byte[] key = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        return Base64.getEncoder().encodeToString(key);
    }

    private static ScramCredential parse(String value) {
        return ScramAuthPassword.parse(value, AuthSettings.MIN_ITERATIONS, AuthSettings.MAX_ITERATIONS);
    }

    private static String error(String value) {
        return assertThrows(IllegalArgumentException.class, () -> parse(value)).getMessage();
    }

    @Test
    void theServersDerivationFormatsAsTheRfcExamples() {
        Base64.Decoder b64 = Base64.getDecoder();
        assertEquals(RFC5802_EXAMPLE, ScramAuthPassword.format(
                Scram.credential(ScramHash.SHA_1, "pencil", b64.decode("QSXCR+Q6sek8bf92"), 4096)));
        assertEquals(RFC7677_EXAMPLE, ScramAuthPassword.format(
                Scram.credential(ScramHash.SHA_256, "pencil", b64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096)));
    }

    @Test
    void theRfcExamplesParseToTheCredentialTheServerDerives() {
        for (String value : new String[] {RFC5802_EXAMPLE, RFC7677_EXAMPLE}) {
            ScramCredential parsed = parse(value);
            ScramCredential derived = Scram.credential(parsed.hash(), "pencil", parsed.salt(), 4096);
            assertEquals(4096, parsed.iterations());
            assertArrayEquals(derived.storedKey(), parsed.storedKey(), value);
            assertArrayEquals(derived.serverKey(), parsed.serverKey(), value);
            assertEquals(value, ScramAuthPassword.format(parsed), "round trip");
        }
        assertEquals(ScramHash.SHA_1, parse(RFC5802_EXAMPLE).hash());
        assertEquals(ScramHash.SHA_256, parse(RFC7677_EXAMPLE).hash());
    }

    @Test
    void moreIterationsThanTheMinimumAndAnySaltLengthAreAccepted() {
        ScramCredential c = parse("SCRAM-SHA-256$100000:AA==$" + SHA256_KEY + ":" + SHA256_KEY);
        assertEquals(100_000, c.iterations());
        assertEquals(1, c.salt().length);
    }

    @Test
    void somethingThatIsNoCredentialAtAllIsNotRepeated() {
        // A plaintext password file given to the hashed import: the "password" must not be echoed.
        assertEquals("not a SCRAM credential (expected SCRAM-SHA-1$... or SCRAM-SHA-256$... as in RFC 5803)",
                error("hunter2"));
        assertEquals("unknown mechanism (expected SCRAM-SHA-1 or SCRAM-SHA-256)", error("my secret$password"));
    }

    @Test
    void unknownMechanismsAreNamed() {
        assertEquals("unknown mechanism 'SCRAM-SHA-512' (expected SCRAM-SHA-1 or SCRAM-SHA-256)",
                error("SCRAM-SHA-512$4096:AA==$" + SHA256_KEY + ":" + SHA256_KEY));
        assertEquals("unknown mechanism (expected SCRAM-SHA-1 or SCRAM-SHA-256)",
                error("scram-sha-1$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY), "names are upper case, as in SASL");
        assertEquals("unknown mechanism 'SCRAM-SHA-1-PLUS' (expected SCRAM-SHA-1 or SCRAM-SHA-256)",
                error("SCRAM-SHA-1-PLUS$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY));
    }

    @Test
    void theStructureMustBeTwoPairsBetweenDollarSigns() {
        assertEquals("SCRAM-SHA-1: expected SCRAM-SHA-1$<iterations>:<salt>$<StoredKey>:<ServerKey>",
                error("SCRAM-SHA-1$4096:AA=="));
        assertEquals("SCRAM-SHA-1: expected SCRAM-SHA-1$<iterations>:<salt>$<StoredKey>:<ServerKey>",
                error("SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY + "$"));
        assertEquals("SCRAM-SHA-1: expected <iterations>:<salt> between the '$' signs",
                error("SCRAM-SHA-1$4096$" + SHA1_KEY + ":" + SHA1_KEY));
        assertEquals("SCRAM-SHA-1: expected <StoredKey>:<ServerKey> between the '$' signs",
                error("SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + SHA1_KEY));
        assertEquals("SCRAM-SHA-1: expected <StoredKey>:<ServerKey> between the '$' signs",
                error("SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY + ":" + SHA1_KEY));
    }

    @Test
    void theIterationCountIsDecimalAndWithinBounds() {
        String keys = "$" + SHA1_KEY + ":" + SHA1_KEY;
        assertEquals("SCRAM-SHA-1: the iteration count '' is not a whole number", error("SCRAM-SHA-1$:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count '+4096' is not a whole number",
                error("SCRAM-SHA-1$+4096:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count 'x' is not a whole number", error("SCRAM-SHA-1$x:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count 4095 is below the minimum of 4096 (RFC 7677)",
                error("SCRAM-SHA-1$4095:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count 0 is below the minimum of 4096 (RFC 7677)",
                error("SCRAM-SHA-1$0:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count 100000001 is above the maximum of 100000000",
                error("SCRAM-SHA-1$100000001:AA==" + keys));
        assertEquals("SCRAM-SHA-1: the iteration count 99999999999999999999 is above the maximum of 100000000",
                error("SCRAM-SHA-1$99999999999999999999:AA==" + keys));
        assertEquals(4096, parse("SCRAM-SHA-1$0004096:AA==" + keys).iterations());
    }

    @Test
    void theSaltMustBeNonEmptyBase64() {
        String keys = "$" + SHA1_KEY + ":" + SHA1_KEY;
        assertEquals("SCRAM-SHA-1: the salt is empty", error("SCRAM-SHA-1$4096:" + keys));
        assertEquals("SCRAM-SHA-1: the salt is not valid base64", error("SCRAM-SHA-1$4096:no*base64" + keys));
        assertEquals("SCRAM-SHA-1: the salt is not valid base64", error("SCRAM-SHA-1$4096:AAA=A" + keys));
    }

    @Test
    void theKeysMustBeBase64OfTheHashLength() {
        assertEquals("SCRAM-SHA-256: the StoredKey has 20 bytes, SCRAM-SHA-256 needs 32",
                error("SCRAM-SHA-256$4096:AA==$" + SHA1_KEY + ":" + SHA256_KEY));
        assertEquals("SCRAM-SHA-1: the ServerKey has 32 bytes, SCRAM-SHA-1 needs 20",
                error("SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + ":" + SHA256_KEY));
        assertEquals("SCRAM-SHA-1: the StoredKey has 0 bytes, SCRAM-SHA-1 needs 20",
                error("SCRAM-SHA-1$4096:AA==$:" + SHA1_KEY));
        assertEquals("SCRAM-SHA-1: the ServerKey is not valid base64",
                error("SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY.replace('=', '!')));
    }

    @Test
    void noMessageContainsAKey() {
        String storedKey = b64(32);
        String value = "SCRAM-SHA-1$4096:AA==$" + storedKey + ":" + storedKey;
        assertFalse(error(value).contains(storedKey), error(value));
        String badServerKey = "SCRAM-SHA-1$4096:AA==$" + SHA1_KEY + ":" + SHA1_KEY + "#";
        assertFalse(error(badServerKey).contains(SHA1_KEY), error(badServerKey));
    }
}
