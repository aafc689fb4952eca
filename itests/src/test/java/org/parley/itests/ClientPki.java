package org.parley.itests;

import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for client certificates (SASL EXTERNAL, XEP-0178), made with Bouncy
 * Castle in the test, and the client side TLS contexts that present its certificates.
 */
final class ClientPki {
    private static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    private static final AtomicLong SERIAL = new AtomicLong(1);

    final String name;
    final KeyPair keys;
    final X509Certificate certificate;

    /** A client's key and certificate chain (its own first). */
    record Identity(KeyPair keys, X509Certificate certificate) {
    }

    ClientPki(String name) throws Exception {
        this.name = name;
        this.keys = ec();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, next(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        certificate = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static BigInteger next() {
        return BigInteger.valueOf(System.currentTimeMillis() * 1000 + SERIAL.incrementAndGet());
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    /** A client certificate valid from an hour ago for a day, with XMPP addresses ("xmpp:") and mail addresses ("email:"). */
    Identity issue(String subject, String... altNames) throws Exception {
        Instant now = Instant.now();
        return issue(subject, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), altNames);
    }

    Identity issue(String subject, Instant notBefore, Instant notAfter, String... altNames) throws Exception {
        KeyPair clientKeys = ec();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name), next(),
                Date.from(notBefore), Date.from(notAfter), new X500Name(subject), clientKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        List<GeneralName> names = new ArrayList<>();
        for (String n : altNames) {
            if (n.startsWith("xmpp:")) {
                names.add(new GeneralName(GeneralName.otherName, new OtherName(XMPP_ADDR, new DERUTF8String(n.substring(5)))));
            } else if (n.startsWith("email:")) {
                names.add(new GeneralName(GeneralName.rfc822Name, n.substring(6)));
            } else {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
        }
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new Identity(clientKeys, c);
    }

    Path writePem(Path file) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.createDirectories(file.getParent());
        Files.writeString(file, pem);
        return file;
    }

    /**
     * A client's TLS setup: its key managers (null for no certificate) and the trust in the
     * server's certificate. Smack takes the two separately and initialises its SSLContext itself
     * (it re-initialises one it is given), so a test hands it these rather than a context.
     */
    record Tls(KeyManager[] keyManagers, X509TrustManager trust) {
        /** A fresh context for a raw client. */
        SSLContext context() throws Exception {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {trust}, null);
            return context;
        }
    }

    /**
     * Holds {@code identity} in an ordinary JDK key manager (which presents it only when the server
     * names its issuer): what a Smack user configures for EXTERNAL.
     */
    static Tls keyStore(ParleyServer server, Identity identity) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] pw = "client".toCharArray();
        store.setKeyEntry("me", identity.keys().getPrivate(), pw, new X509Certificate[] {identity.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pw);
        return new Tls(kmf.getKeyManagers(), trust(server));
    }

    /**
     * Presents {@code identity} whatever issuers the server names and whether it is valid or not,
     * as a client configured with exactly one certificate may: the way to show that the server,
     * not the client's key manager, refuses it.
     */
    static Tls presenting(ParleyServer server, Identity identity) throws Exception {
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"me"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "me";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "me";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {identity.certificate()};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return identity.keys().getPrivate();
            }
        };
        return new Tls(new KeyManager[] {always}, trust(server));
    }

    /** No client certificate at all. */
    static Tls none(ParleyServer server) throws Exception {
        return new Tls(null, trust(server));
    }

    private static X509TrustManager trust(ParleyServer server) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("parley", server.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }
}
