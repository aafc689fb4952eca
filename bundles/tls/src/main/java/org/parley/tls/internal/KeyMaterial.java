package org.parley.tls.internal;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * A private key with its certificate chain (leaf first), and where they came from.
 *
 * @param chain the certificate chain, leaf first, never empty
 * @param key the leaf's private key
 * @param source operator files or the generated self-signed certificate
 * @param certificateFile the file the chain was read from
 * @param keyFile the file the key was read from
 */
record KeyMaterial(List<X509Certificate> chain, PrivateKey key, Source source, Path certificateFile, Path keyFile) {
    enum Source {
        OPERATOR("operator certificate"), SELF_SIGNED("self-signed certificate");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    KeyMaterial {
        chain = List.copyOf(chain);
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** The SHA-256 fingerprint of the leaf certificate, as colon-separated upper-case hex. */
    String fingerprint() {
        return fingerprint(leaf());
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return COLON_HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate can be encoded again", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a mandatory JDK algorithm", e);
        }
    }

    /**
     * Checks that the key belongs to the leaf certificate by signing a random challenge with it
     * and verifying the signature with the certificate's public key. This works alike for RSA and
     * EC and catches a key and certificate from different pairs, which SunJSSE would only notice
     * at the first handshake.
     *
     * @throws KeyMaterialException naming the key file if the key is of an unsupported type or does not match
     */
    static void checkKeyMatchesCertificate(PrivateKey key, X509Certificate leaf, Path keyFile)
            throws KeyMaterialException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new KeyMaterialException(keyFile, "holds a " + key.getAlgorithm()
                    + " key; only RSA and EC keys are supported");
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (InvalidKeyException e) {
            // The certificate holds another kind of key (e.g. EC key, RSA certificate): no match either.
        } catch (GeneralSecurityException e) {
            throw new KeyMaterialException(keyFile, "cannot be checked against the certificate: " + e.getMessage(), e);
        }
        throw new KeyMaterialException(keyFile, "does not match the certificate's public key (subject "
                + leaf.getSubjectX500Principal().getName() + ")");
    }
}
