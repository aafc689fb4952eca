package org.parley.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate served when the operator has installed none: an EC P-256 key and a
 * self-signed certificate for the served domain, kept in {@code self-signed.crt} and
 * {@code self-signed.key} so that restarts present the same fingerprint (clients that pinned it
 * keep working). A new one is made when the domain changes, the files are unusable, or the
 * certificate is about to expire.
 */
final class SelfSignedCertificates {
    static final String CERTIFICATE_FILE = "self-signed.crt";
    static final String KEY_FILE = "self-signed.key";
    /** Two years: long enough not to bother operators, short enough that a leaked key does not last a decade. */
    static final Duration VALIDITY = Duration.ofDays(730);
    /** Replaced this long before it expires, at the next start or configuration change. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificates.class);

    private final Path directory;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    SelfSignedCertificates(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    Path certificateFile() {
        return directory.resolve(CERTIFICATE_FILE);
    }

    Path keyFile() {
        return directory.resolve(KEY_FILE);
    }

    /** The stored certificate when it is still good for the domain, else a new one (stored). */
    KeyMaterial reuseOrGenerate(ServedDomain domain) throws KeyMaterialException {
        String reason;
        if (!Files.exists(certificateFile()) && !Files.exists(keyFile())) {
            reason = "none was generated before in " + directory;
        } else {
            try {
                KeyMaterial stored = load();
                reason = unusableReason(stored.leaf(), domain);
                if (reason == null) {
                    return stored;
                }
            } catch (KeyMaterialException e) {
                reason = "the stored one is unusable (" + e.getMessage() + ")";
            }
        }
        LOG.info("Generating a self-signed certificate for {}: {}", domain, reason);
        return generate(domain);
    }

    /** Why the stored certificate cannot be reused, or null if it can. */
    private String unusableReason(X509Certificate leaf, ServedDomain domain) {
        if (!domain.isNamedExactlyBy(leaf)) {
            return "the stored one is for another domain (" + leaf.getSubjectX500Principal().getName() + ")";
        }
        Instant now = clock.instant();
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            return "the stored one is not valid before " + leaf.getNotBefore().toInstant();
        }
        if (leaf.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return "the stored one expires on " + leaf.getNotAfter().toInstant();
        }
        return null;
    }

    private KeyMaterial load() throws KeyMaterialException {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile());
        PrivateKey key = Pem.readPrivateKey(keyFile());
        KeyMaterial.checkKeyMatchesCertificate(key, chain.get(0), keyFile());
        return new KeyMaterial(chain, key, KeyMaterial.Source.SELF_SIGNED, certificateFile(), keyFile());
    }

    private KeyMaterial generate(ServedDomain domain) throws KeyMaterialException {
        KeyPair pair;
        X509Certificate certificate;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            pair = generator.generateKeyPair();
            certificate = SelfSignedIssuer.issue(pair, domain, clock.instant(), random);
        } catch (GeneralSecurityException e) {
            throw new KeyMaterialException(certificateFile(), "cannot generate a self-signed certificate: "
                    + e.getMessage(), e);
        }
        try {
            Pem.createPrivateDirectory(directory);
            // Key first: a crash in between leaves a key without certificate, which is regenerated.
            Pem.writeAtomically(keyFile(), Pem.encode(pair.getPrivate()), true);
            Pem.writeAtomically(certificateFile(), Pem.encode(certificate), false);
        } catch (IOException e) {
            throw new KeyMaterialException(directory, "cannot store the self-signed certificate: " + e, e);
        }
        return new KeyMaterial(List.of(certificate), pair.getPrivate(), KeyMaterial.Source.SELF_SIGNED,
                certificateFile(), keyFile());
    }
}
