package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM, written from RFC 5802 independently of the server code (PBKDF2 comes
 * from the JDK's SecretKeyFactory here), so the two check each other.
 */
final class ScramClient {
    private final String hmac;
    private final String digest;
    private final String pbkdf2;
    private final String gs2Header;
    private final byte[] channelBindingData;
    private final String clientFirstBare;
    private final String clientNonce;
    private byte[] serverSignature;

    /**
     * @param sha256 SCRAM-SHA-256, else SCRAM-SHA-1
     * @param gs2Header e.g. "n,," or "p=tls-server-end-point,,"
     * @param channelBindingData appended to the header in c= when binding, else null
     */
    ScramClient(boolean sha256, String gs2Header, byte[] channelBindingData, String username, String clientNonce) {
        this.hmac = sha256 ? "HmacSHA256" : "HmacSHA1";
        this.digest = sha256 ? "SHA-256" : "SHA-1";
        this.pbkdf2 = sha256 ? "PBKDF2WithHmacSHA256" : "PBKDF2WithHmacSHA1";
        this.gs2Header = gs2Header;
        this.channelBindingData = channelBindingData;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    byte[] clientFirst() {
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    byte[] clientFinal(byte[] serverFirstBytes, String password) throws Exception {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String attribute : serverFirst.split(",")) {
            switch (attribute.charAt(0)) {
                case 'r' -> nonce = attribute.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(attribute.substring(2));
                case 'i' -> iterations = Integer.parseInt(attribute.substring(2));
                default -> throw new IllegalArgumentException(serverFirst);
            }
        }
        if (nonce == null || !nonce.startsWith(clientNonce)) {
            throw new IllegalArgumentException("server nonce does not extend ours: " + serverFirst);
        }
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        byte[] cbind = header;
        if (channelBindingData != null) {
            cbind = new byte[header.length + channelBindingData.length];
            System.arraycopy(header, 0, cbind, 0, header.length);
            System.arraycopy(channelBindingData, 0, cbind, header.length, channelBindingData.length);
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);

        int bits = MessageDigest.getInstance(digest).getDigestLength() * 8;
        byte[] salted = SecretKeyFactory.getInstance(pbkdf2)
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits)).getEncoded();
        byte[] clientKey = mac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
        byte[] clientSignature = mac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        byte[] serverKey = mac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        serverSignature = mac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** True when the server-final message carries the signature only a server with our credential can make. */
    boolean verifyServerFinal(byte[] serverFinal) {
        String expected = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return expected.equals(new String(serverFinal, StandardCharsets.UTF_8));
    }

    private byte[] mac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(key, hmac));
        return mac.doFinal(data);
    }
}
