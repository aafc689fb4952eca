package org.parley.http.internal;

import java.nio.file.Path;
import java.util.Hashtable;

/**
 * The properties of Felix HTTP's configuration (PID {@value #PID}) that make Jetty serve HTTPS
 * only, with the given key store and the TLS policy of the XMPP ports. Felix HTTP has no hook
 * for an SSLContext of our own, only a key store file; the connector it builds from these is the
 * only one Jetty opens (its plain-HTTP connector is off, and {@code require.config}, set as a
 * framework property by the http feature, keeps Jetty from starting before this arrives).
 */
final class FelixHttpConfiguration {
    static final String PID = "org.apache.felix.http";
    /** Ours: the fingerprint of the certificate in the key store, to tell whether it is current. */
    static final String FINGERPRINT = "parley.https.fingerprint";
    static final String KEYSTORE = "org.apache.felix.https.keystore";
    static final String KEYSTORE_PASSWORD = "org.apache.felix.https.keystore.password";

    private FelixHttpConfiguration() {
    }

    static Hashtable<String, Object> of(HttpsSettings settings, Path keyStore, String password, String fingerprint,
            String[] protocols, String[] cipherSuites) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("org.apache.felix.http.enable", false);
        p.put("org.apache.felix.https.enable", true);
        p.put("org.apache.felix.http.host", settings.bindAddress());
        p.put("org.osgi.service.http.port.secure", settings.port());
        p.put(KEYSTORE, keyStore.toString());
        p.put("org.apache.felix.https.keystore.type", "PKCS12");
        p.put(KEYSTORE_PASSWORD, password);
        p.put("org.apache.felix.https.keystore.key.password", password);
        p.put("org.apache.felix.https.jetty.protocols.included", String.join(",", protocols));
        p.put("org.apache.felix.https.jetty.ciphersuites.included", String.join(",", cipherSuites));
        p.put("org.apache.felix.https.jetty.renegotiateAllowed", false);
        // Which Jetty runs is nobody's business outside.
        p.put("org.apache.felix.http.jetty.sendServerHeader", false);
        p.put(FINGERPRINT, fingerprint);
        return p;
    }
}
