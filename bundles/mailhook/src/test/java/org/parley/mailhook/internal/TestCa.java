package org.parley.mailhook.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA made for a test, and the relay certificates it signs (in memory, Bouncy Castle, no keytool run). */
public final class TestCa {
    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final AtomicLong serial = new AtomicLong(1);

    public TestCa(String commonName) throws Exception {
        name = new X500Name("CN=" + commonName);
        keys = ecKeys();
        JcaX509v3CertificateBuilder b = builder(name, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        certificate = sign(b);
    }

    /** The CA's certificate as PEM, as an operator puts it in etc/ for smtpTrustedCertificates. */
    public Path writePem(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return file;
    }

    /**
     * What a relay presents: a key and a certificate this CA signs for the given names (an IP
     * address literal becomes an iPAddress entry, anything else a dNSName).
     */
    public SSLContext serverTls(String... names) throws Exception {
        KeyPair server = ecKeys();
        JcaX509v3CertificateBuilder b = builder(name, new X500Name("CN=" + names[0]), server);
        GeneralName[] alt = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            alt[i] = new GeneralName(names[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
        X509Certificate leaf = sign(b);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "relay".toCharArray();
        store.setKeyEntry("relay", server.getPrivate(), password, new X509Certificate[] {leaf, certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial.getAndIncrement()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, subjectKeys.getPublic());
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }
}
