package org.parley.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Builds the self-signed certificate (RFC 5280) in DER with the JDK alone, signed by the JDK's
 * SHA256withECDSA and read back by its X.509 factory. Not with Bouncy Castle: the class-data
 * archive that {@code bin/parley} writes at the first clean stop holds every class that first run
 * loaded, and every page of it is resident in each later start, so the ~140 Bouncy Castle classes
 * a generation loaded stayed in the memory of every start though no later start uses them.
 */
final class SelfSignedIssuer {
    /** Backdated so that a client whose clock is a little behind still accepts it. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    private static final int UTC_TIME_LAST_YEAR = 2049;
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private SelfSignedIssuer() {
    }

    /**
     * A certificate for the domain, valid from an hour before {@code now} for
     * {@link SelfSignedCertificates#VALIDITY}: subject and issuer CN the domain, subjectAltName
     * the name and its wildcard (or the address), not a CA, digitalSignature, serverAuth and
     * clientAuth (server-to-server connections present the same certificate as client), and a
     * subject key identifier.
     */
    static X509Certificate issue(KeyPair pair, ServedDomain domain, Instant now, SecureRandom random)
            throws GeneralSecurityException {
        byte[] name = Der.encode(0x30, Der.encode(0x31, Der.encode(0x30, Der.oid(COMMON_NAME),
                Der.encode(0x0c, domain.name().getBytes(StandardCharsets.UTF_8)))));
        // Positive and at most 159 bits: within RFC 5280's 20 octets, and unpredictable.
        BigInteger serial = new BigInteger(159, random).add(BigInteger.ONE);
        byte[] signatureAlgorithm = Der.encode(0x30, Der.oid(ECDSA_WITH_SHA256));
        byte[] publicKey = pair.getPublic().getEncoded();
        byte[] extensions = Der.encode(0xa3, Der.encode(0x30,
                extension(BASIC_CONSTRAINTS, true, Der.encode(0x30)),
                extension(KEY_USAGE, true, new byte[] {0x03, 0x02, 0x07, (byte) 0x80}),
                extension(EXTENDED_KEY_USAGE, false, Der.encode(0x30, Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
                extension(SUBJECT_ALT_NAME, false, subjectAltNames(domain)),
                extension(SUBJECT_KEY_IDENTIFIER, false, Der.encode(0x04, keyIdentifier(publicKey)))));
        byte[] tbs = Der.encode(0x30,
                Der.encode(0xa0, Der.encode(0x02, new byte[] {2})),
                Der.encode(0x02, serial.toByteArray()),
                signatureAlgorithm,
                name,
                Der.encode(0x30, time(now.minus(BACKDATE)), time(now.plus(SelfSignedCertificates.VALIDITY))),
                name,
                publicKey,
                extensions);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate(), random);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] certificate = Der.encode(0x30, tbs, signatureAlgorithm, Der.encode(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    /** The subjectAltName value: the name and its wildcard as dNSName [2], or the address as iPAddress [7]. */
    static byte[] subjectAltNames(ServedDomain domain) {
        if (domain.address() != null) {
            return Der.encode(0x30, Der.encode(0x87, domain.address().getAddress()));
        }
        return Der.encode(0x30, Der.encode(0x82, domain.dnsName().getBytes(StandardCharsets.US_ASCII)),
                Der.encode(0x82, ("*." + domain.dnsName()).getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.encode(0x30, Der.oid(oid), new byte[] {0x01, 0x01, (byte) 0xff}, Der.encode(0x04, value))
                : Der.encode(0x30, Der.oid(oid), Der.encode(0x04, value));
    }

    /** RFC 5280 4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits. */
    private static byte[] keyIdentifier(byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        try {
            Der info = new Der(subjectPublicKeyInfo).sequence();
            info.next(0x30); // the algorithm
            byte[] bits = info.next(0x03).contents();
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(bits, 1, bits.length - 1); // after the unused-bits octet
            return sha1.digest();
        } catch (IOException e) {
            throw new GeneralSecurityException("the public key is not a SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
    }

    private static byte[] time(Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        return utc.getYear() <= UTC_TIME_LAST_YEAR
                ? Der.encode(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
                : Der.encode(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }
}
