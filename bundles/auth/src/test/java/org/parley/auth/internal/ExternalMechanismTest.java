package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.auth.internal.SaslFixture.failure;
import static org.parley.auth.internal.SaslFixture.step;
import static org.parley.auth.internal.SaslFixture.success;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.tls.TlsContextProvider;

/**
 * SASL EXTERNAL's mapping of a trusted client certificate to an account (XEP-0178 section 3),
 * its authzid rules and its refusals. Whether a chain is trusted is the tls bundle's job (tested
 * there and end to end in the itests); here a chain is trusted when its leaf is in {@link #trusted}.
 */
class ExternalMechanismTest {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIAL = new AtomicLong(100);
    private static final KeyPair KEYS = keys();

    private final SaslFixture fixture = SaslFixture.withDefaults();
    private final Set<X509Certificate> trusted = ConcurrentHashMap.newKeySet();
    private final Set<String> accounts = ConcurrentHashMap.newKeySet();
    private final Map<String, String> mapped = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate with the given subject and subjectAltNames (xmpp:..., email:...). */
    private static X509Certificate certificate(String subject, String... altNames) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=Test CA"),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name(subject), KEYS.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        List<GeneralName> names = new ArrayList<>();
        for (String n : altNames) {
            if (n.startsWith("xmpp:")) {
                names.add(new GeneralName(GeneralName.otherName,
                        new OtherName(CertificateNames.XMPP_ADDR, new DERUTF8String(n.substring(5)))));
            } else if (n.startsWith("email:")) {
                names.add(new GeneralName(GeneralName.rfc822Name, n.substring(6)));
            } else if (n.startsWith("dns:")) {
                names.add(new GeneralName(GeneralName.dNSName, n.substring(4)));
            }
        }
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(KEYS.getPrivate()))
                .getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private X509Certificate trustedCertificate(String subject, String... altNames) throws Exception {
        X509Certificate c = certificate(subject, altNames);
        trusted.add(c);
        return c;
    }

    private final TlsContextProvider tls = new TlsContextProvider() {
        @Override
        public SSLEngine createServerEngine(String peerHost, int peerPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public X509Certificate certificate() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String fingerprint() {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyStore keyStore(char[] password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> clientCertificateProblem(List<X509Certificate> chain) {
            return trusted.contains(chain.get(0)) ? Optional.empty()
                    : Optional.of("the client certificate was not issued by a trusted certificate authority");
        }
    };

    private ExternalMechanism mechanism(Map<String, Object> config) {
        ExternalMechanism m = new ExternalMechanism(fixture.core, tls, config(config), config);
        m.addDirectory(name -> CompletableFuture.completedFuture(accounts.contains(name)));
        return m;
    }

    private ExternalMechanism mechanism() {
        return mechanism(Map.of());
    }

    static ExternalConfig config(Map<String, Object> values) {
        Map<String, Object> snapshot = new HashMap<>(values);
        return (ExternalConfig) Proxy.newProxyInstance(ExternalConfig.class.getClassLoader(),
                new Class<?>[] {ExternalConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> ExternalConfig.class;
                    case "toString" -> "ExternalConfig" + snapshot;
                    case "hashCode" -> snapshot.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> {
                        Object v = snapshot.get(method.getName());
                        if (v == null) {
                            yield method.getDefaultValue();
                        }
                        if (method.getReturnType() == String[].class && v instanceof String s) {
                            yield new String[] {s};
                        }
                        if (method.getReturnType() == boolean.class && v instanceof String s) {
                            yield Boolean.parseBoolean(s);
                        }
                        yield v;
                    }
                });
    }

    /** A TLS connection from {@code ip} that presented {@code chain}. */
    private SaslContext connection(String ip, X509Certificate... chain) {
        return new CertContext(JidCreate.domainBareFromOrThrowUnchecked("example.org"), true,
                new InetSocketAddress(ip, 40000), List.of(chain), mapped);
    }

    private record CertContext(DomainBareJid domain, boolean isSecure, InetSocketAddress remoteAddress,
            List<X509Certificate> peerCertificates, Map<String, String> mapped) implements SaslContext {
        @Override
        public Optional<byte[]> channelBinding(String type) {
            return Optional.empty();
        }

        @Override
        public CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity) {
            assertEquals(AuthenticatedIdentity.Kind.X509_CERTIFICATE, identity.kind());
            assertEquals(peerCertificates, identity.certificates());
            return CompletableFuture.completedFuture(Optional.ofNullable(mapped.get(identity.name())));
        }
    }

    private static SaslNegotiation start(ExternalMechanism m, SaslContext context) {
        return m.start(context);
    }

    @Test
    void offeredOnlyInsideTlsToAClientWithATrustedCertificate() throws Exception {
        ExternalMechanism m = mechanism();
        X509Certificate good = trustedCertificate("CN=alice", "xmpp:alice@example.org");
        assertTrue(m.isOffered(connection("192.0.2.1", good)));
        assertFalse(m.isOffered(connection("192.0.2.1")), "no certificate");
        assertFalse(m.isOffered(connection("192.0.2.1", certificate("CN=alice", "xmpp:alice@example.org"))),
                "a certificate the tls bundle does not trust");
        assertFalse(m.isOffered(new CertContext(JidCreate.domainBareFromOrThrowUnchecked("example.org"), false,
                new InetSocketAddress("192.0.2.1", 1), List.of(good), mapped)), "outside TLS");
        assertEquals(SaslFailure.INVALID_MECHANISM, failure(step(start(m, connection("192.0.2.1")), "")).condition());
    }

    @Test
    void theXmppAddrOfTheServedDomainSignsInWithOrWithoutAnAuthzid() throws Exception {
        accounts.add("alice");
        ExternalMechanism m = mechanism();
        X509Certificate c = trustedCertificate("CN=Alice Liddell", "xmpp:Alice@Example.org");
        assertEquals("alice", success(step(start(m, connection("192.0.2.1", c)), "")).username());
        assertEquals("alice", success(step(start(m, connection("192.0.2.1", c)), "alice@example.org")).username());
        assertEquals("alice", success(step(start(m, connection("192.0.2.1", c)), "ALICE@EXAMPLE.ORG.")).username());
    }

    @Test
    void anAuthzidTheCertificateDoesNotNameIsInvalid() throws Exception {
        accounts.add("alice");
        accounts.add("mallory");
        ExternalMechanism m = mechanism();
        X509Certificate c = trustedCertificate("CN=alice", "xmpp:alice@example.org");
        for (String authzid : new String[] {"mallory@example.org", "alice@other.example", "alice@example.org/phone",
                "alice", "@example.org"}) {
            SaslFailure condition = failure(step(start(m, connection("192.0.2.2", c)), authzid)).condition();
            assertEquals(SaslFailure.INVALID_AUTHZID, condition, authzid);
        }
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28};
        assertEquals(SaslFailure.MALFORMED_REQUEST, failure(step(start(m, connection("192.0.2.2", c)), notUtf8)).condition());
    }

    @Test
    void aCertificateForNoAccountHereIsNotAuthorized() throws Exception {
        accounts.add("alice");
        ExternalMechanism m = mechanism();
        X509Certificate unknown = trustedCertificate("CN=zed", "xmpp:zed@example.org");
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(start(m, connection("192.0.2.3", unknown)), "")).condition());
        assertEquals(SaslFailure.NOT_AUTHORIZED,
                failure(step(start(m, connection("192.0.2.3", unknown)), "zed@example.org")).condition());
        X509Certificate otherDomain = trustedCertificate("CN=alice", "xmpp:alice@other.example");
        SaslStep.Failure f = failure(step(start(m, connection("192.0.2.3", otherDomain)), ""));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("names no account of example.org"), f.text());
        X509Certificate nameless = trustedCertificate("CN=alice", "dns:alice.example.org");
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(start(m, connection("192.0.2.3", nameless)), "")).condition(),
                "the common name is not used unless configured");
    }

    @Test
    void aCertificateNamingSeveralAccountsNeedsTheAuthzidToChoose() throws Exception {
        accounts.add("alice");
        accounts.add("bob");
        ExternalMechanism m = mechanism();
        X509Certificate both = trustedCertificate("CN=shared", "xmpp:alice@example.org", "xmpp:bob@example.org",
                "xmpp:carol@example.org");
        SaslStep.Failure f = failure(step(start(m, connection("192.0.2.4", both)), ""));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("several accounts ([alice, bob])"), f.text());
        assertEquals("bob", success(step(start(m, connection("192.0.2.4", both)), "bob@example.org")).username());
        // Several names of which one account exists: that one.
        X509Certificate oneExists = trustedCertificate("CN=x", "xmpp:alice@example.org", "xmpp:zed@example.org");
        assertEquals("alice", success(step(start(m, connection("192.0.2.4", oneExists)), "")).username());
    }

    @Test
    void aDisabledAccountIsRefusedAsDisabled() throws Exception {
        accounts.add("alice");
        fixture.disabled.add("alice");
        X509Certificate c = trustedCertificate("CN=alice", "xmpp:alice@example.org");
        assertEquals(SaslFailure.ACCOUNT_DISABLED, failure(step(start(mechanism(), connection("192.0.2.5", c)), "")).condition());
    }

    @Test
    void withoutAnXmppAddrTheMailAddressOfTheServedOrAConfiguredDomainIsUsed() throws Exception {
        accounts.add("alice");
        accounts.add("bob");
        X509Certificate san = trustedCertificate("CN=Alice", "email:alice@example.org");
        X509Certificate subjectEmail = trustedCertificate("CN=Bob,E=bob@mail.example.org");
        X509Certificate foreign = trustedCertificate("CN=Alice", "email:alice@elsewhere.example");
        ExternalMechanism m = mechanism();
        assertEquals("alice", success(step(start(m, connection("192.0.2.6", san)), "")).username());
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(start(m, connection("192.0.2.6", subjectEmail)), "")).condition());
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(start(m, connection("192.0.2.6", foreign)), "")).condition());

        m.modified(config(Map.of("emailDomains", "mail.example.org")), Map.of("emailDomains", "mail.example.org"));
        assertEquals("bob", success(step(start(m, connection("192.0.2.6", subjectEmail)), "")).username());

        // xmppAddr comes first: a certificate with both names is the XMPP address's.
        X509Certificate both = trustedCertificate("CN=x", "email:alice@example.org", "xmpp:bob@example.org");
        assertEquals("bob", success(step(start(m, connection("192.0.2.6", both)), "")).username());
    }

    @Test
    void theCommonNameIsUsedOnlyWhenConfiguredAndReadFromTheAsn1NotTheText() throws Exception {
        accounts.add("alice");
        accounts.add("eve");
        // A crafted subject: an OU whose text is "CN=alice", and a CN that is eve's.
        X509Certificate crafted = trustedCertificate("CN=eve,OU=CN\\=alice");
        ExternalMechanism m = mechanism(Map.of("identities", "xmppAddr, cn"));
        assertEquals("eve", success(step(start(m, connection("192.0.2.7", crafted)), "")).username());
        assertEquals(SaslFailure.INVALID_AUTHZID,
                failure(step(start(m, connection("192.0.2.7", crafted)), "alice@example.org")).condition());
        // A CN that is no valid username names nobody.
        X509Certificate jidCn = trustedCertificate("CN=alice@example.org");
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(start(m, connection("192.0.2.7", jidCn)), "")).condition());
    }

    @Test
    void aCertificateWithNoUsableNameAsksTheIdentityMappers() throws Exception {
        accounts.add("carol");
        X509Certificate c = trustedCertificate("CN=Carol Smith,O=Example University");
        mapped.put(c.getSubjectX500Principal().getName(), "carol");
        assertEquals("carol", success(step(start(mechanism(), connection("192.0.2.8", c)), "")).username());
    }

    @Test
    void aCertificateNoLongerTrustedWhenTheExchangeStartsIsNotAuthorizedWithTheReason() throws Exception {
        accounts.add("alice");
        ExternalMechanism m = mechanism();
        X509Certificate c = trustedCertificate("CN=alice", "xmpp:alice@example.org");
        SaslContext connection = connection("192.0.2.9", c);
        assertTrue(m.isOffered(connection));
        trusted.remove(c); // e.g. it expired, or its CA was removed, between the offer and the <auth/>
        SaslStep.Failure f = failure(step(start(m, connection), ""));
        assertEquals(SaslFailure.NOT_AUTHORIZED, f.condition());
        assertTrue(f.text().contains("not issued by a trusted"), f.text());
    }

    @Test
    void anInvalidChangeKeepsThePreviousConfigurationAndEnabledFalseStopsTheOffer() throws Exception {
        ExternalMechanism m = mechanism();
        X509Certificate c = trustedCertificate("CN=alice", "xmpp:alice@example.org");
        m.modified(config(Map.of("identities", "xmppAddr, fingerprint")), Map.of("identities", "xmppAddr, fingerprint"));
        assertEquals(ExternalSettings.DEFAULTS, m.settings());
        m.modified(config(Map.of("emailDomains", "not a domain")), Map.of("emailDomains", "not a domain"));
        assertEquals(ExternalSettings.DEFAULTS, m.settings());
        m.modified(config(Map.of("enabled", "false")), Map.of("enabled", "false"));
        assertFalse(m.isOffered(connection("192.0.2.10", c)));
        m.modified(config(Map.of()), Map.of());
        assertTrue(m.isOffered(connection("192.0.2.10", c)));
        List<String> problems = new ArrayList<>();
        ExternalSettings.from(config(Map.of("identities", "", "enabled", "maybe")), Map.of("identities", "",
                "enabled", "maybe"), problems);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("key 'identities'"), problems.toString());
        assertTrue(problems.get(1).startsWith("key 'enabled'"), problems.toString());
    }

    @Test
    void failuresAreSlowedDownPerAddressLikePasswordFailures() throws Exception {
        SaslFixture slow = new SaslFixture(SaslFixture.throttled(1, Duration.ofMillis(400), Duration.ofSeconds(2)),
                () -> "n");
        try {
            ExternalMechanism m = new ExternalMechanism(slow.core, tls, config(Map.of()), Map.of());
            m.addDirectory(name -> CompletableFuture.completedFuture(false));
            X509Certificate c = trustedCertificate("CN=zed", "xmpp:zed@example.org");
            failure(step(m.start(connection("192.0.2.11", c)), ""));
            long t0 = System.nanoTime();
            failure(step(m.start(connection("192.0.2.11", c)), ""));
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMillis >= 350, "the second failure from one address is held back: " + tookMillis + " ms");
            // And a password failure from that address afterwards is slowed down further: one series.
            long t1 = System.nanoTime();
            failure(step(slow.start("PLAIN", TestSaslContext.tls("192.0.2.11")), "\0zed\0wrong"));
            assertTrue((System.nanoTime() - t1) / 1_000_000 >= 700, "EXTERNAL's failures count for PLAIN too");
        } finally {
            slow.close();
        }
    }
}
