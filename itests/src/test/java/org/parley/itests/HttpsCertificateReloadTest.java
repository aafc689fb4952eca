package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The http feature serves whatever certificate the tls bundle serves: when the operator installs
 * a certificate in etc/tls and the tls bundle reloads it, HTTPS presents it too, without a restart.
 */
class HttpsCertificateReloadTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, http")
            .set("org.parley.tls.cfg", "reloadIntervalSeconds", 1)
            .set(ParleyServer.HTTP_CFG, "certificateCheckSeconds", 1)
            .build();

    @Test
    void anOperatorCertificateInstalledLaterIsServedOverHttps() throws Exception {
        assertEquals(server.certificate(), presented(server.sslContext(), Duration.ofSeconds(30)), "the self-signed one first");

        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(42),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(30))), name, keys.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509Certificate operator = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Path tls = server.base().resolve("etc/tls");
        Files.createDirectories(tls);
        // The key first, the certificate last: the tls bundle reloads when it finds both.
        Files.writeString(tls.resolve("server.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(tls.resolve("server.crt"), pem("CERTIFICATE", operator.getEncoded()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("operator", operator);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext trustingOperator = SSLContext.getInstance("TLS");
        trustingOperator.init(null, tmf.getTrustManagers(), null);
        X509Certificate served = presented(trustingOperator, Duration.ofSeconds(60));
        assertEquals(operator, served);
        assertNotEquals(server.certificate(), served);
    }

    /** The certificate HTTPS presents to a client trusting {@code context}, waiting until a handshake succeeds. */
    private static X509Certificate presented(SSLContext context, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
            } catch (java.io.IOException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new AssertionError("no handshake within " + timeout, last);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
