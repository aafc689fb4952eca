package org.parley.auth.internal;

import java.util.Base64;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

/**
 * A SCRAM credential as text in the form of RFC 5803 (the LDAP authPassword value, which
 * PostgreSQL also uses): {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, the
 * three byte strings in base64 (RFC 4648). The form in which directories and other servers hand
 * over credentials they hold, so accounts can be moved without knowing their passwords.
 *
 * <p>Public only so that the benchmarks' account generator writes exactly what the server reads;
 * the package is private to the bundle.
 */
public final class ScramAuthPassword {
    private ScramAuthPassword() {
    }

    public static String format(ScramCredential c) {
        Base64.Encoder b64 = Base64.getEncoder();
        return c.hash().mechanism() + '$' + c.iterations() + ':' + b64.encodeToString(c.salt()) + '$'
                + b64.encodeToString(c.storedKey()) + ':' + b64.encodeToString(c.serverKey());
    }

    /**
     * Parses and checks one value. The keys never appear in a message: with the StoredKey and
     * ServerKey anyone can act as the server towards the user, so they are as secret as a password.
     *
     * @param minIterations the fewest iterations accepted; more are fine up to {@code maxIterations},
     *     which bounds the PBKDF2 work one PLAIN login can cost the server
     * @throws IllegalArgumentException with a one-line reason
     */
    static ScramCredential parse(String value, int minIterations, int maxIterations) {
        int firstDollar = value.indexOf('$');
        if (firstDollar < 0) {
            throw new IllegalArgumentException("not a SCRAM credential (expected SCRAM-SHA-1$... or SCRAM-SHA-256$..."
                    + " as in RFC 5803)");
        }
        String mechanism = value.substring(0, firstDollar);
        ScramHash hash = hash(mechanism);
        String[] parts = value.substring(firstDollar + 1).split("\\$", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(mechanism + ": expected " + mechanism
                    + "$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String[] info = pair(mechanism, parts[0], "<iterations>:<salt>");
        String[] keys = pair(mechanism, parts[1], "<StoredKey>:<ServerKey>");

        int iterations = iterations(mechanism, info[0], minIterations, maxIterations);
        byte[] salt = base64(mechanism, "salt", info[1]);
        if (salt.length == 0) {
            throw new IllegalArgumentException(mechanism + ": the salt is empty");
        }
        byte[] storedKey = key(hash, "StoredKey", keys[0]);
        byte[] serverKey = key(hash, "ServerKey", keys[1]);
        return new ScramCredential(hash, salt, iterations, storedKey, serverKey);
    }

    private static ScramHash hash(String mechanism) {
        for (ScramHash h : ScramHash.values()) {
            if (h.mechanism().equals(mechanism)) {
                return h;
            }
        }
        // A scheme is short and public (RFC 3112: A-Z, 0-9, "-", "/", ".", "_"); anything else
        // before the '$' could be part of a password pasted by mistake, so it is not repeated.
        String shown = mechanism.length() <= 32 && mechanism.matches("[A-Z0-9./_-]+") ? "'" + mechanism + "'" : "";
        throw new IllegalArgumentException("unknown mechanism " + shown
                + (shown.isEmpty() ? "" : " ") + "(expected SCRAM-SHA-1 or SCRAM-SHA-256)");
    }

    private static String[] pair(String mechanism, String part, String expected) {
        int colon = part.indexOf(':');
        if (colon < 0 || part.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException(mechanism + ": expected " + expected + " between the '$' signs");
        }
        return new String[] {part.substring(0, colon), part.substring(colon + 1)};
    }

    private static int iterations(String mechanism, String text, int min, int max) {
        // Digits only: Integer.parseInt would also take a sign, which no RFC 5803 value has.
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(mechanism + ": the iteration count '" + text + "' is not a whole number");
        }
        int zeros = 0;
        while (zeros < text.length() - 1 && text.charAt(zeros) == '0') {
            zeros++;
        }
        String digits = text.substring(zeros);
        if (digits.length() > 10 || Long.parseLong(digits) > max) {
            throw new IllegalArgumentException(mechanism + ": the iteration count " + text
                    + " is above the maximum of " + max);
        }
        int n = Integer.parseInt(digits);
        if (n < min) {
            throw new IllegalArgumentException(mechanism + ": the iteration count " + n
                    + " is below the minimum of " + min + " (RFC 7677)");
        }
        return n;
    }

    private static byte[] key(ScramHash hash, String name, String text) {
        byte[] key = base64(hash.mechanism(), name, text);
        if (key.length != hash.length()) {
            throw new IllegalArgumentException(hash.mechanism() + ": the " + name + " has " + key.length
                    + " bytes, " + hash.mechanism() + " needs " + hash.length());
        }
        return key;
    }

    private static byte[] base64(String mechanism, String name, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(mechanism + ": the " + name + " is not valid base64");
        }
    }
}
