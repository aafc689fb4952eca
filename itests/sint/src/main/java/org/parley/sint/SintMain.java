package org.parley.sint;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * Runs the Smack Integration Test Framework against a Parley instance on any port, trusting only
 * that instance's certificate.
 *
 * <p>The framework has no port setting (it connects to {@code sinttest.host} on 5222 or where SRV
 * points), and a fixed 5222 would collide with other servers on a shared machine. Its extension
 * point for connection kinds, a named {@link XmppConnectionDescriptor}, carries the port and the
 * trust anchor; run.sh selects it with {@code -Dsinttest.defaultConnection=parley
 * -Dsinttest.enabledConnections=parley}. Everything else is the framework's own main and options.
 *
 * <p>System properties: {@code parley.port} (the instance's STARTTLS port) and
 * {@code parley.certificate} (its self-signed certificate, PEM or DER).
 */
public final class SintMain {

    public static final String NICKNAME = "parley";

    private SintMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(required("parley.port"));
        X509TrustManager trust = trustOnly(Path.of(required("parley.certificate")));
        XmppConnectionDescriptor<XMPPTCPConnection, XMPPTCPConnectionConfiguration, XMPPTCPConnectionConfiguration.Builder> parley =
                XmppConnectionDescriptor.buildWith(XMPPTCPConnection.class, XMPPTCPConnectionConfiguration.class,
                        XMPPTCPConnectionConfiguration.Builder.class)
                        .applyExtraConfiguration(b -> b.setPort(port).setCustomX509TrustManager(trust))
                        .withNickname(NICKNAME)
                        .build();
        XmppConnectionManager.addConnectionDescriptor(parley);
        SmackIntegrationTestFramework.main(args);
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + key + " is required");
        }
        return value;
    }

    private static X509TrustManager trustOnly(Path certificate) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("parley", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }
}
