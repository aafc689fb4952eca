package org.parley.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the self-signed certificate with Bouncy Castle (the JDK has no public certificate
 * builder). The only class of the bundle that uses Bouncy Castle at a server start, and only when
 * a certificate is generated: {@link SelfSignedCertificates} and {@link Pem} use the JDK alone, so
 * that the ~200 Bouncy Castle classes are not loaded (and kept in metaspace) at the starts that
 * reuse the stored certificate.
 */
final class SelfSignedIssuer {
    /** Backdated so that a client whose clock is a little behind still accepts it. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private SelfSignedIssuer() {
    }

    /** A certificate for the domain, valid from an hour before {@code now} for {@link SelfSignedCertificates#VALIDITY}. */
    static X509Certificate issue(KeyPair pair, ServedDomain domain, Instant now, SecureRandom random)
            throws GeneralSecurityException {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, domain.name()).build();
            // Positive and at most 159 bits: within RFC 5280's 20 octets, and unpredictable.
            BigInteger serial = new BigInteger(159, random).add(BigInteger.ONE);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(SelfSignedCertificates.VALIDITY)), subject,
                    pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            // clientAuth too: server-to-server connections present the same certificate as client.
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAltNames(domain)));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** The subjectAltName entries of a certificate for this domain: the name and its wildcard, or the address. */
    static GeneralName[] subjectAltNames(ServedDomain domain) {
        if (domain.address() != null) {
            return new GeneralName[] {new GeneralName(GeneralName.iPAddress, domain.address().getHostAddress())};
        }
        return new GeneralName[] {
            new GeneralName(GeneralName.dNSName, domain.dnsName()),
            new GeneralName(GeneralName.dNSName, "*." + domain.dnsName())
        };
    }
}
