package org.parley.passwordfile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hashes made by other implementations (OpenSSL 3.0 `openssl passwd`, the OpenBSD bcrypt test vectors) check here. */
class PasswordHashTest {
    /** openssl passwd -6 -salt saltsalt 'secret pw' */
    static final String SHA512 = "$6$saltsalt$zM85MwF7wzNFxhHekCkSASe1NaC/xUx1S2eoXlbcx1w6LkHRO4n1DK7q.d/HKoYFUjJ10GWDs5jLq2A53OAzU1";
    /** openssl passwd -5 -salt saltsalt 'secret pw' */
    static final String SHA256 = "$5$saltsalt$vCVzagwpKquSflhQxH0D10Fgy2Km11eLAozR93EkXT6";
    /** openssl passwd -apr1 -salt abcdefgh 'secret pw' (what htpasswd -m writes) */
    static final String APR1 = "$apr1$abcdefgh$hI0fYJTl3mI2IQqENIv8//";
    /** The OpenBSD / jBCrypt test vector for the password "U*U". */
    static final String BCRYPT_UUU = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    @Test
    void hashesOfOtherImplementationsAcceptTheirPasswordAndNoOther() {
        for (String h : new String[] {SHA512, SHA256, APR1}) {
            PasswordHash hash = PasswordHash.parse(h);
            assertTrue(hash.matches("secret pw"), hash.toString());
            assertFalse(hash.matches("secret pW"), hash.toString());
            assertFalse(hash.matches("secret pw "), hash.toString());
        }
        PasswordHash bcrypt = PasswordHash.parse(BCRYPT_UUU);
        assertEquals(PasswordHash.Scheme.BCRYPT, bcrypt.scheme());
        assertTrue(bcrypt.matches("U*U"));
        assertFalse(bcrypt.matches("U*V"));
    }

    @Test
    void theSchemeIsKnownByThePrefixAndTheHashNeverShowsInText() {
        assertEquals(PasswordHash.Scheme.SHA512_CRYPT, PasswordHash.parse(SHA512).scheme());
        assertEquals(PasswordHash.Scheme.SHA256_CRYPT, PasswordHash.parse(SHA256).scheme());
        assertEquals(PasswordHash.Scheme.APR1, PasswordHash.parse(APR1).scheme());
        assertEquals(PasswordHash.Scheme.BCRYPT, PasswordHash.parse(BCRYPT_UUU.replace("$2a$", "$2b$")).scheme());
        assertEquals("SHA-512-crypt hash", PasswordHash.parse(SHA512).toString());
    }

    @Test
    void explicitRoundsAreKept() {
        // openssl passwd -6 -salt 'rounds=5000$x' is not supported by openssl; crypt keeps a custom rounds= field.
        String custom = org.apache.commons.codec.digest.Crypt.crypt("pw".getBytes(), "$6$rounds=6000$abc");
        PasswordHash hash = PasswordHash.parse(custom);
        assertTrue(hash.matches("pw"));
        assertFalse(hash.matches("pw2"));
    }

    @Test
    void malformedAndUnsupportedHashesAreRefusedWithAReasonThatDoesNotQuoteThem() {
        String[] bad = {"secret", "$1$abcdefgh$12345678901234567890ab", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
                SHA512.substring(0, SHA512.length() - 1), "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$5$rounds=10$saltsalt$vCVzagwpKquSflhQxH0D10Fgy2Km11eLAozR93EkXT6", APR1 + "x"};
        for (String b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(b), b);
            assertFalse(b.length() > 8 && e.getMessage().contains(b.substring(b.length() - 8)), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$1$abcdefgh$12345678901234567890ab"))
                .getMessage().contains("$1$"));
    }
}
