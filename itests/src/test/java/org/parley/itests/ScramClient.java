package org.parley.itests;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM (RFC 5802; SCRAM-SHA-256 is RFC 7677) without channel binding
 * (gs2 header "n,,"), written out step by step so that the server is checked against the RFC and
 * not against another implementation. Passwords and user names are expected to be ASCII (then
 * SASLprep leaves them as they are).
 */
final class ScramClient {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final String GS2_HEADER = "n,,";

    private final String digest;
    private final String hmac;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** @param mechanism SCRAM-SHA-1 or SCRAM-SHA-256 */
    ScramClient(String mechanism, String user, String password) {
        switch (mechanism) {
            case "SCRAM-SHA-1" -> {
                digest = "SHA-1";
                hmac = "HmacSHA1";
            }
            case "SCRAM-SHA-256" -> {
                digest = "SHA-256";
                hmac = "HmacSHA256";
            }
            default -> throw new IllegalArgumentException(mechanism);
        }
        this.user = user;
        this.password = password;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.clientNonce = B64.encodeToString(random);
    }

    /**
     * What a server stores for {@code password} (RFC 5802 section 3) with a random 16-byte salt,
     * written as RFC 5803 specifies for LDAP: {@code SCRAM-SHA-1$<i>:<salt>$<StoredKey>:<ServerKey>}.
     * Derived with this client's code, so an import of it checks the server's reading of the format.
     */
    static String rfc5803Credential(String mechanism, String password, int iterations) {
        ScramClient c = new ScramClient(mechanism, "", password);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            byte[] saltedPassword = c.hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
            byte[] storedKey = MessageDigest.getInstance(c.digest).digest(c.hmac(saltedPassword, "Client Key"));
            byte[] serverKey = c.hmac(saltedPassword, "Server Key");
            return mechanism + "$" + iterations + ":" + B64.encodeToString(salt) + "$" + B64.encodeToString(storedKey)
                    + ":" + B64.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** client-first-message = gs2-header client-first-message-bare */
    String clientFirstMessage() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return GS2_HEADER + clientFirstBare;
    }

    /** client-final-message, with the proof, for the server's server-first-message. */
    String clientFinalMessage(String serverFirst) {
        Map<Character, String> attributes = attributes(serverFirst);
        String nonce = attributes.get('r');
        if (nonce == null || !nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new IllegalStateException("the server nonce does not extend the client nonce: " + serverFirst);
        }
        byte[] salt = B64D.decode(require(attributes, 's', serverFirst));
        int iterations = Integer.parseInt(require(attributes, 'i', serverFirst));
        try {
            byte[] saltedPassword = hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
            byte[] clientKey = hmac(saltedPassword, "Client Key");
            byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
            String withoutProof = "c=" + B64.encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII)) + ",r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            byte[] serverKey = hmac(saltedPassword, "Server Key");
            expectedServerSignature = hmac(serverKey, authMessage);
            return withoutProof + ",p=" + B64.encodeToString(proof);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the server-final-message proves that the server knows the password's keys. */
    boolean serverFinalIsValid(String serverFinal) {
        String v = attributes(serverFinal).get('v');
        return v != null && MessageDigest.isEqual(B64D.decode(v), expectedServerSignature);
    }

    /** Hi(str, salt, i) of RFC 5802 section 2.2: PBKDF2 with one block of the HMAC's length. */
    private byte[] hi(byte[] str, byte[] salt, int iterations) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(str, hmac));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(key, hmac));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<Character, String> attributes(String message) {
        Map<Character, String> result = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                result.put(part.charAt(0), part.substring(2));
            }
        }
        return result;
    }

    private static String require(Map<Character, String> attributes, char key, String message) {
        String value = attributes.get(key);
        if (value == null) {
            throw new IllegalStateException("no '" + key + "' attribute in " + message);
        }
        return value;
    }
}
