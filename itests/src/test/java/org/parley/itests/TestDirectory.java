package org.parley.itests;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import java.math.BigInteger;
import java.net.InetAddress;
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
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real directory server for the ldap tests: UnboundID's in-memory LDAP server on a fixed loopback
 * port, speaking LDAP over TLS (ldaps) or plain LDAP with StartTLS, with a certificate for
 * 127.0.0.1 signed by a test CA whose PEM file the server under test is configured to trust.
 * {@link #stop} and {@link #restart} take it down and bring it back on the same port.
 */
final class TestDirectory implements AutoCloseable {
    static final String BASE = "dc=example,dc=org";
    static final String PEOPLE = "ou=people," + BASE;
    static final String SERVICE_DN = "cn=parley,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "service-secret";
    /** Accounts here are people with mail. */
    static final String FILTER = "(&(objectClass=inetOrgPerson)(mail=*))";

    /** A CA and the directory certificate it signs. */
    static final class TestCa {
        final KeyPair caKeys;
        final X509Certificate caCertificate;
        final KeyPair serverKeys;
        final X509Certificate serverCertificate;

        TestCa() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            caKeys = g.generateKeyPair();
            serverKeys = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name ca = new X500Name("CN=Parley test directory CA");
            JcaX509v3CertificateBuilder cab = new JcaX509v3CertificateBuilder(ca, BigInteger.ONE,
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), ca, caKeys.getPublic());
            cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caCertificate = new JcaX509CertificateConverter().getCertificate(
                    cab.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            JcaX509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(ca, BigInteger.TWO,
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                    new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
            sb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            serverCertificate = new JcaX509CertificateConverter().getCertificate(
                    sb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        }

        /** Writes the CA certificate as PEM; the path is what the ldap cfg's caCertificate names. */
        Path writeCaPem(Path file) throws Exception {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCertificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.createDirectories(file.getParent());
            Files.writeString(file, pem);
            return file;
        }

        SSLUtil serverSsl() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "x".toCharArray();
            ks.setKeyEntry("server", serverKeys.getPrivate(), pw, new X509Certificate[] {serverCertificate, caCertificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return new SSLUtil(kmf.getKeyManagers()[0], new TrustAllTrustManager());
        }
    }

    final InMemoryDirectoryServer server;
    private final int port;
    private final boolean ldaps;

    /** {@code ldaps}: TLS from the first byte; otherwise plain LDAP that offers StartTLS. */
    TestDirectory(TestCa ca, boolean ldaps) throws Exception {
        this.port = FreePorts.next();
        this.ldaps = ldaps;
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.addAdditionalBindCredentials(SERVICE_DN, SERVICE_PASSWORD);
        SSLUtil ssl = ca.serverSsl();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        config.setListenerConfigs(ldaps
                ? InMemoryListenerConfig.createLDAPSConfig("ldaps", loopback, port, ssl.createSSLServerSocketFactory(), null)
                : InMemoryListenerConfig.createLDAPConfig("ldap", loopback, port, ssl.createSSLSocketFactory()));
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        server.startListening();
    }

    /** A person with mail (an account here) or without (outside the filter). */
    void addPerson(String uid, String password, boolean withMail) throws Exception {
        if (withMail) {
            server.add("dn: uid=" + uid + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid,
                    "sn: " + uid, "userPassword: " + password, "mail: " + uid + "@example.org");
        } else {
            server.add("dn: uid=" + uid + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid,
                    "sn: " + uid, "userPassword: " + password);
        }
    }

    String url() {
        return (ldaps ? "ldaps" : "ldap") + "://127.0.0.1:" + port;
    }

    private volatile boolean listening = true;

    void stop() {
        server.shutDown(true);
        listening = false;
    }

    void restart() throws Exception {
        server.startListening();
        listening = true;
    }

    boolean listening() {
        return listening;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
