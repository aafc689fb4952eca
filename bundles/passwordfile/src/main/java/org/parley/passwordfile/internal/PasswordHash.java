package org.parley.passwordfile.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.Md5Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * One stored hash in a crypt(3) format, checked without revealing through its timing how much of
 * it matched: bcrypt by Bouncy Castle's {@link OpenBSDBCrypt} (which compares in constant time),
 * the others by computing the hash again with the stored salt (and rounds) and comparing the whole
 * strings with {@link MessageDigest#isEqual}.
 */
record PasswordHash(Scheme scheme, String encoded) {
    /** The formats a file may hold, recognised by their prefix. */
    enum Scheme {
        BCRYPT("bcrypt", Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}")),
        SHA512_CRYPT("SHA-512-crypt", Pattern.compile("\\$6\\$(?:rounds=(\\d{1,9})\\$)?[^$:\\s]{1,16}\\$[./0-9A-Za-z]{86}")),
        SHA256_CRYPT("SHA-256-crypt", Pattern.compile("\\$5\\$(?:rounds=(\\d{1,9})\\$)?[^$:\\s]{1,16}\\$[./0-9A-Za-z]{43}")),
        APR1("APR1", Pattern.compile("\\$apr1\\$[^$:\\s]{1,8}\\$[./0-9A-Za-z]{22}"));

        final String label;
        final Pattern form;

        Scheme(String label, Pattern form) {
            this.label = label;
            this.form = form;
        }
    }

    /** crypt(3) clamps SHA-crypt rounds to this range; a file with others was not written by a crypt. */
    private static final int MIN_ROUNDS = 1000;
    private static final int MAX_ROUNDS = 999_999_999;
    private static final int MIN_BCRYPT_COST = 4;
    private static final int MAX_BCRYPT_COST = 31;

    /**
     * @throws IllegalArgumentException with a reason that does not quote the hash
     */
    static PasswordHash parse(String encoded) {
        Scheme scheme;
        if (encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$")) {
            scheme = Scheme.BCRYPT;
        } else if (encoded.startsWith("$6$")) {
            scheme = Scheme.SHA512_CRYPT;
        } else if (encoded.startsWith("$5$")) {
            scheme = Scheme.SHA256_CRYPT;
        } else if (encoded.startsWith("$apr1$")) {
            scheme = Scheme.APR1;
        } else {
            int end = encoded.indexOf('$', 1);
            String prefix = encoded.startsWith("$") && end > 0 && end < 8 ? encoded.substring(0, end + 1) : null;
            throw new IllegalArgumentException(prefix == null ? "the hash is in no supported format (bcrypt $2a$/$2b$/$2y$, "
                    + "SHA-512-crypt $6$, SHA-256-crypt $5$, APR1 $apr1$)" : "hashes of kind " + prefix + " are not supported");
        }
        Matcher m = scheme.form.matcher(encoded);
        if (!m.matches()) {
            throw new IllegalArgumentException("the " + scheme.label + " hash is malformed (wrong length or characters)");
        }
        if (scheme == Scheme.BCRYPT) {
            int cost = Integer.parseInt(m.group(1));
            if (cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
                throw new IllegalArgumentException("bcrypt cost " + cost + " is outside 4-31");
            }
        } else if (scheme != Scheme.APR1 && m.group(1) != null) {
            long rounds = Long.parseLong(m.group(1));
            if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) {
                throw new IllegalArgumentException(scheme.label + " rounds " + rounds + " are outside 1000-999999999");
            }
        }
        return new PasswordHash(scheme, encoded);
    }

    /** Whether the password is the one hashed; CPU work (bcrypt: by design), so never on an I/O thread. */
    boolean matches(String password) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        String computed;
        switch (scheme) {
            case BCRYPT:
                return OpenBSDBCrypt.checkPassword(encoded, key);
            case SHA512_CRYPT:
            case SHA256_CRYPT:
                // The stored hash is the salt argument: crypt takes prefix, rounds and salt from it.
                computed = Crypt.crypt(key, encoded);
                break;
            case APR1:
                computed = Md5Crypt.apr1Crypt(key, encoded);
                break;
            default:
                throw new IllegalStateException(scheme.toString());
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), encoded.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return scheme.label + " hash"; // never the hash itself: it would end up in logs
    }
}
