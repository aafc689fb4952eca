package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;

/**
 * The certificate written by hand in DER is what Bouncy Castle's builder made before (the same
 * fields and extensions, checked through the JDK's parser and Bouncy Castle's in the tests only).
 */
class SelfSignedIssuerTest {
    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void theCertificateHasTheFieldsAndExtensionsOfAServerCertificate() throws Exception {
        KeyPair pair = p256();
        Instant now = Instant.parse("2026-11-30T13:00:00Z");

        X509Certificate certificate = SelfSignedIssuer.issue(pair, ServedDomain.parse("Example.ORG"), now,
                new SecureRandom());

        certificate.verify(pair.getPublic());
        assertEquals(3, certificate.getVersion());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(new X500Principal("CN=example.org"), certificate.getSubjectX500Principal());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(pair.getPublic(), certificate.getPublicKey());
        assertEquals(now.minus(SelfSignedIssuer.BACKDATE), certificate.getNotBefore().toInstant());
        assertEquals(now.plus(SelfSignedCertificates.VALIDITY), certificate.getNotAfter().toInstant());
        assertTrue(certificate.getSerialNumber().signum() > 0);
        assertTrue(certificate.getSerialNumber().bitLength() <= 160);
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertEquals(Set.of("2.5.29.19", "2.5.29.15"), certificate.getCriticalExtensionOIDs());
        assertEquals(Set.of("2.5.29.37", "2.5.29.17", "2.5.29.14"), certificate.getNonCriticalExtensionOIDs());
        boolean[] usage = certificate.getKeyUsage();
        assertTrue(usage[0], "digitalSignature");
        for (int i = 1; i < usage.length; i++) {
            assertFalse(usage[i], "key usage bit " + i);
        }
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        assertEquals(Set.of(List.of(2, "example.org"), List.of(2, "*.example.org")),
                Set.copyOf(certificate.getSubjectAlternativeNames()));
        byte[] expectedKeyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()).getKeyIdentifier();
        byte[] keyId = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                certificate.getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
        assertArrayEquals(expectedKeyId, keyId, "RFC 5280 method 1, as Bouncy Castle computed it");
    }

    @Test
    void anAddressIsNamedAsIpAddressAndTwoCertificatesDifferInSerial() throws Exception {
        KeyPair pair = p256();
        ServedDomain domain = ServedDomain.parse("[::1]");
        X509Certificate first = SelfSignedIssuer.issue(pair, domain, Instant.now(), new SecureRandom());
        X509Certificate second = SelfSignedIssuer.issue(pair, domain, Instant.now(), new SecureRandom());

        assertEquals(List.of(List.of(7, "0:0:0:0:0:0:0:1")), List.copyOf(first.getSubjectAlternativeNames()));
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
    }

    @Test
    void datesFrom2050OnAreGeneralizedTime() throws Exception {
        KeyPair pair = p256();
        Instant now = Instant.parse("2049-06-01T00:00:00Z");

        X509Certificate certificate = SelfSignedIssuer.issue(pair, ServedDomain.parse("example.org"), now,
                new SecureRandom());

        assertEquals(now.minus(SelfSignedIssuer.BACKDATE), certificate.getNotBefore().toInstant());
        assertEquals(now.plus(SelfSignedCertificates.VALIDITY), certificate.getNotAfter().toInstant());
        byte[] der = certificate.getTBSCertificate();
        assertTrue(indexOf(der, new byte[] {0x17, 0x0d, '4', '9'}) > 0, "notBefore in 2049 as UTCTime");
        assertTrue(indexOf(der, new byte[] {0x18, 0x0f, '2', '0', '5', '1'}) > 0, "notAfter in 2051 as GeneralizedTime");
    }

    @Test
    void commonNamesAreReadFromTheNamesStructure() throws Exception {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "CN=evil.example")
                .addRDN(BCStyle.CN, "chat.example.org").addRDN(BCStyle.CN, "b\u00fccher.example").build();

        assertEquals(List.of("chat.example.org", "b\u00fccher.example"),
                ServedDomain.commonNames(new X500Principal(name.getEncoded())));
        assertEquals(List.of("printable.example"), ServedDomain.commonNames(
                new X500Principal(new X500Name("CN=printable.example").getEncoded())));
        assertEquals(List.of(), ServedDomain.commonNames(new X500Principal("O=no cn")));
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
