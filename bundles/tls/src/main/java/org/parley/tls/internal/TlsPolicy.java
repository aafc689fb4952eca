package org.parley.tls.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The protocols and cipher suites an operator configured, checked against Parley's policy:
 * TLS 1.2 and 1.3 only, forward-secret AEAD suites only. The order is the server's preference.
 */
record TlsPolicy(List<String> protocols, List<String> cipherSuites) {
    static final String TLS13 = "TLSv1.3";
    static final String TLS12 = "TLSv1.2";
    static final List<String> ALLOWED_PROTOCOLS = List.of(TLS13, TLS12);

    /**
     * Every TLS 1.3 suite: TLS 1.3 always uses an ephemeral (EC)DHE exchange in JSSE (no PSK-only
     * mode) and only defines AEAD ciphers.
     */
    static final Set<String> TLS13_SUITES = Set.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    /** TLS 1.2 suites with an ephemeral key exchange and an AEAD cipher; no anon, PSK, static RSA or static ECDH. */
    private static final Pattern TLS12_FORWARD_SECRET_AEAD = Pattern.compile(
            "TLS_(ECDHE_ECDSA|ECDHE_RSA|DHE_RSA)_WITH_"
                    + "(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256|AES_(128|256)_CCM(_8)?)");

    TlsPolicy {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /**
     * Checks the configured values. Entries may also be comma or space separated within one
     * value, as configuration files sometimes give a list as one string.
     */
    static TlsPolicy of(String[] protocols, String[] cipherSuites) throws InvalidConfigurationException {
        List<String> p = split(protocols);
        if (p.isEmpty()) {
            throw new InvalidConfigurationException("protocols", "no protocol given; allowed are " + ALLOWED_PROTOCOLS);
        }
        for (String protocol : p) {
            if (!ALLOWED_PROTOCOLS.contains(protocol)) {
                throw new InvalidConfigurationException("protocols",
                        protocol + " is not allowed; allowed are " + ALLOWED_PROTOCOLS);
            }
        }
        List<String> s = split(cipherSuites);
        if (s.isEmpty()) {
            throw new InvalidConfigurationException("cipherSuites", "no cipher suite given");
        }
        for (String suite : s) {
            if (!isForwardSecretAead(suite)) {
                throw new InvalidConfigurationException("cipherSuites",
                        suite + " is not a forward-secret AEAD cipher suite");
            }
        }
        return new TlsPolicy(p, s);
    }

    static boolean isForwardSecretAead(String suite) {
        return TLS13_SUITES.contains(suite) || TLS12_FORWARD_SECRET_AEAD.matcher(suite).matches();
    }

    /**
     * This policy restricted to what the JDK supports, in policy order.
     *
     * @param supportedProtocols the JDK's supported protocols
     * @param supportedSuites the JDK's supported cipher suites
     * @param unsupported receives the configured suites the JDK does not support
     * @throws InvalidConfigurationException if an enabled protocol is left without any suite
     */
    Effective restrictTo(String[] supportedProtocols, String[] supportedSuites, List<String> unsupported)
            throws InvalidConfigurationException {
        List<String> jdkProtocols = Arrays.asList(supportedProtocols);
        List<String> jdkSuites = Arrays.asList(supportedSuites);
        List<String> p = new ArrayList<>();
        for (String protocol : protocols) {
            if (jdkProtocols.contains(protocol)) {
                p.add(protocol);
            }
        }
        if (p.isEmpty()) {
            throw new InvalidConfigurationException("protocols", "this JDK supports none of " + protocols);
        }
        List<String> s = new ArrayList<>();
        for (String suite : cipherSuites) {
            if (jdkSuites.contains(suite)) {
                s.add(suite);
            } else {
                unsupported.add(suite);
            }
        }
        // A protocol without a usable suite would silently fail every handshake that picks it.
        for (String protocol : p) {
            boolean tls13 = protocol.equals(TLS13);
            if (s.stream().noneMatch(suite -> TLS13_SUITES.contains(suite) == tls13)) {
                throw new InvalidConfigurationException("cipherSuites",
                        "no supported cipher suite for " + protocol + " (enabled in protocols)");
            }
        }
        return new Effective(p.toArray(String[]::new), s.toArray(String[]::new));
    }

    private static List<String> split(String[] values) {
        Set<String> result = new LinkedHashSet<>();
        if (values != null) {
            for (String value : values) {
                if (value != null) {
                    for (String item : value.split("[,\\s]+")) {
                        if (!item.isEmpty()) {
                            result.add(item);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(result);
    }

    /** The arrays handed to each engine; never modified after construction. */
    record Effective(String[] protocols, String[] cipherSuites) {
    }
}
