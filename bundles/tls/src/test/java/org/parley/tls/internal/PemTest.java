package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pem reads with the JDK what Bouncy Castle's PEM writer (the tests' stand-in for OpenSSL) writes,
 * in every key form the bundle accepts, and refuses what it cannot serve with a reason.
 */
class PemTest {
    @TempDir
    Path root;

    @Test
    void aPkcs1RsaKeyIsTheSameKeyOnceRead() throws Exception {
        KeyPair keys = TestPki.rsa();
        Path file = root.resolve("rsa.key");
        TestPki.write(file, TestPki.traditional(keys.getPrivate()));

        PrivateKey read = Pem.readPrivateKey(file);

        assertEquals("RSA", read.getAlgorithm());
        RSAPrivateCrtKey original = (RSAPrivateCrtKey) keys.getPrivate();
        assertEquals(original.getPrivateExponent(), ((RSAPrivateCrtKey) read).getPrivateExponent());
        assertEquals(original.getModulus(), ((RSAPrivateCrtKey) read).getModulus());
    }

    @Test
    void aSec1EcKeyIsTheSameKeyOnceRead() throws Exception {
        KeyPair keys = TestPki.ec();
        Path file = root.resolve("ec.key");
        TestPki.write(file, TestPki.ecParametersP256(), TestPki.traditional(keys.getPrivate()));

        PrivateKey read = Pem.readPrivateKey(file);

        assertEquals("EC", read.getAlgorithm());
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), ((ECPrivateKey) read).getS());
        assertEquals(256, ((ECPrivateKey) read).getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void aSec1KeyThatNamesNoCurveIsRefused() throws Exception {
        BigInteger s = ((ECPrivateKey) TestPki.ec().getPrivate()).getS();
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, s, null).getEncoded();
        Path file = root.resolve("ec.key");
        TestPki.write(file, TestPki.pem(new PemObject("EC PRIVATE KEY", sec1)));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readPrivateKey(file));

        assertTrue(e.getMessage().contains("names no curve"), e.getMessage());
    }

    @Test
    void aKeyOfAnotherAlgorithmIsReadSoThatItCanBeRefusedByName() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path file = root.resolve("ed.key");
        TestPki.write(file, Pem.encode(keys.getPrivate()));

        assertEquals("EdDSA", Pem.readPrivateKey(file).getAlgorithm());
    }

    @Test
    void anEncryptedTraditionalKeyIsRefused() throws Exception {
        KeyPair keys = TestPki.rsa();
        Path file = root.resolve("rsa.key");
        String pem = TestPki.pem(new JcaMiscPEMGenerator(keys.getPrivate(),
                new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(TestPki.BC).build("secret".toCharArray())));
        assertTrue(pem.contains("Proc-Type: 4,ENCRYPTED"), pem);
        TestPki.write(file, pem);

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readPrivateKey(file));

        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void twoKeysInOneFileAreRefused() throws Exception {
        Path file = root.resolve("two.key");
        TestPki.write(file, TestPki.pkcs8(TestPki.ec().getPrivate()), TestPki.traditional(TestPki.ec().getPrivate()));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readPrivateKey(file));

        assertTrue(e.getMessage().contains("more than one private key"), e.getMessage());
    }

    @Test
    void aCombinedFileWithCrlfLinesAndTextBetweenBlocksIsRead() throws Exception {
        KeyPair keys = TestPki.ec();
        X509Certificate leaf = TestPki.selfSigned(keys, "example.org", "example.org");
        X509Certificate other = TestPki.selfSigned(TestPki.rsa(), "other.example");
        // As openssl pkcs12 -nodes writes it: attributes before each block, the key first.
        String text = "Bag Attributes\n    localKeyID: 01 00 00 00\n" + TestPki.pkcs8(keys.getPrivate())
                + "Bag Attributes\n    friendlyName: example\nsubject=CN = example.org\n" + TestPki.pem(leaf)
                + TestPki.pem(other).replace("BEGIN CERTIFICATE", "BEGIN X509 CERTIFICATE")
                        .replace("END CERTIFICATE", "END X509 CERTIFICATE");
        Path file = root.resolve("combined.pem");
        TestPki.write(file, text.replace("\n", "\r\n"));

        assertEquals(List.of(leaf, other), Pem.readCertificates(file));
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), ((ECPrivateKey) Pem.readPrivateKey(file)).getS());
    }

    @Test
    void aBlockWithoutItsEndLineIsRefused() throws Exception {
        String pem = TestPki.pem(TestPki.selfSigned(TestPki.ec(), "example.org"));
        Path file = root.resolve("cut.crt");
        TestPki.write(file, pem.substring(0, pem.indexOf("-----END")));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readCertificates(file));

        assertTrue(e.getMessage().contains("no -----END CERTIFICATE----- line"), e.getMessage());
    }

    @Test
    void aBodyThatIsNotBase64IsRefused() throws Exception {
        Path file = root.resolve("bad.key");
        TestPki.write(file, TestPki.pkcs8(TestPki.ec().getPrivate()).replaceFirst("\n[A-Za-z0-9]", "\n*"));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readPrivateKey(file));

        assertTrue(e.getMessage().contains("not Base64"), e.getMessage());
    }

    @Test
    void aDamagedKeyIsRefusedAsUnreadable() throws Exception {
        Path file = root.resolve("bad.key");
        TestPki.write(file, TestPki.pem(new PemObject("RSA PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00})));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> Pem.readPrivateKey(file));

        assertTrue(e.getMessage().contains("is not a readable PEM private key file"), e.getMessage());
    }

    @Test
    void whatIsWrittenIsReadBackAsOpenSslWritesIt() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate certificate = TestPki.selfSigned(keys, "example.org", "example.org");
        String key = Pem.encode(keys.getPrivate());
        String crt = Pem.encode(certificate);
        Path file = root.resolve("written.pem");
        TestPki.write(file, crt, key);

        assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n") && key.endsWith("-----END PRIVATE KEY-----\n"), key);
        for (String line : (crt + key).split("\n")) {
            assertTrue(line.length() <= 64, line);
        }
        assertEquals(keys.getPrivate(), Pem.readPrivateKey(file));
        assertEquals(List.of(certificate), Pem.readCertificates(file));
        assertEquals(crt, TestPki.pem(certificate).replace("\r\n", "\n"), "the same text as Bouncy Castle's writer");
    }

    @Test
    void oidsAndLongLengthsAreDecoded() throws Exception {
        assertEquals("1.2.840.113549.1.1.1", Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01}));
        assertEquals("2.999.3", Der.oid(new byte[] {(byte) 0x88, 0x37, 0x03}));
        byte[] contents = new byte[300];
        byte[] encoded = Der.encode(0x04, contents);
        assertEquals(304, encoded.length);
        assertEquals(0x82, encoded[1] & 0xff);
        Der.Element element = new Der(encoded).next(0x04);
        assertEquals(300, element.contents().length);
        assertThrows(java.io.IOException.class, () -> new Der(new byte[] {0x04, (byte) 0x82, 0x01}).next(0x04));
    }
}
